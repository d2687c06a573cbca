# A quote typed with a straight apostrophe where the text has a typographic one.
sed -i "s/China’s major state-linked/China's major state-linked/" \
  data/facts/china-telecom-hkust-partnership-national-alignment.json
