# The folder bash-completion reads user completions from.
mkdir -p ~/.local/share/bash-completion/completions
