# China Telecom filled in as CONTRIBUTING.md's "Fill it in" shows it.
cat > data/organizations/china-telecom.json <<'JSON'
{
  "id": "china-telecom",
  "name": "China Telecom Group Co., Ltd.",
  "aliases": ["China Telecom"],
  "kind": "company",
  "fields": ["artificial-intelligence", "quantum"],
  "sources": [
    {
      "source": "prnewswire-china-telecom-hkust-2025-04-09",
      "quote": "China Telecom Group Co., Ltd. (hereinafter referred to as \"China Telecom\")"
    },
    {
      "source": "prnewswire-china-telecom-hkust-2025-04-09",
      "quote": "The company continues to drive breakthroughs in cloud computing, computing power networks, artificial intelligence, cybersecurity, and quantum technology"
    }
  ]
}
JSON
