# China Telecom's first quote paraphrased instead of copied.
sed -i 's/(hereinafter referred to as/(hereafter called/' data/organizations/china-telecom.json
