#!/bin/sh
# Lambda exec wrapper (AWS_LAMBDA_EXEC_WRAPPER) of the functions that print with Chromium.
# Lambda's Node.js bootstrap starts node with V8 heap limits sized from the whole function
# memory (--max-semi-space-size, --max-old-space-size). Command-line flags override
# NODE_OPTIONS, so they are dropped here and the limits set in NODE_OPTIONS apply; every other
# argument is passed on unchanged. Lambda calls: v8-limits.sh /path/to/node ARGS...
node="$1"
shift
for arg do
  shift
  case "$arg" in
    --max-old-space-size=* | --max_old_space_size=* | --max-semi-space-size=* | --max_semi_space_size=*) ;;
    *) set -- "$@" "$arg" ;;
  esac
done
exec "$node" "$@"
