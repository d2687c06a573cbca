# Released as v0.1.0, then China Telecom's name lost its final full stop.
git tag -a v0.1.0 -m "techpact-data 0.1.0"
sed -i 's/"name": "China Telecom Group Co., Ltd.",/"name": "China Telecom Group Co., Ltd",/' \
  data/organizations/china-telecom.json
git commit -q -am "China Telecom's name as its site writes it"
