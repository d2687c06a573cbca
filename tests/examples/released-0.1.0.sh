# The release 0.1.0 built into dist/.
techpact release 0.1.0 --quiet
