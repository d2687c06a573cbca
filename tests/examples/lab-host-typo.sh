# `hosts` misspelt as `host` in a lab.
sed -i 's/^  "hosts": \[/  "host": [/' data/labs/china-telecom-hkust-ai-innovation-laboratory.json
