#!/bin/sh
# The ferry command: Node on the launcher beside this file (ferry.cjs), with the options of
# NODE_START_FLAGS (src/cli/start-script.ts), and NODE_EXTRA_CA_CERTS handed to ferry rather than
# to Node's start (docs/cli.md, "How the command starts").

# Follow the links npm makes to this file, to find the launcher.
self=$0
dir=.
case $self in */*) dir=${self%/*} ;; esac
while [ -L "$self" ]; do
  link=$(readlink "$self")
  case $link in
    /*) self=$link ;;
    *) self=$dir/$link ;;
  esac
  dir=.
  case $self in */*) dir=${self%/*} ;; esac
done

# ferry adds the extra CA file to the default roots when a TLS connection first needs it.
if [ -n "${NODE_EXTRA_CA_CERTS-}" ]; then
  FERRY_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS
  export FERRY_EXTRA_CA_CERTS
  unset NODE_EXTRA_CA_CERTS
fi
exec node @NODE_START_FLAGS@ "$dir/ferry.cjs" "$@"
