#!/bin/sh
# cosy-entrypoint ROLE [ARGS...]: the role of this container (services/README.md).
# COSY's own roles check every model file against the registry's sha256 first (`cosy models
# verify`): a tampered or stale image stops here with the file named, before it serves or works.
set -eu

role="${1:-serve}"
[ "$#" -gt 0 ] && shift

verify() {
    cosy models verify >&2
}

case "$role" in
    api)
        verify
        exec cosy api "$@" ;;
    dispatcher)
        verify
        exec cosy dispatcher "$@" ;;
    serve)
        verify
        exec cosy serve "$@" ;;
    batch)
        verify
        exec cosy batch "$@" ;;
    worker)
        # one worker process per container, no nanny: Kubernetes restarts a worker that dies
        verify
        exec dask worker --no-nanny --preload cosy.inference.preload "$@" ;;
    scheduler)
        exec dask scheduler "$@" ;;
    verify)
        exec cosy models verify ;;
    -h|--help|help)
        echo "usage: cosy-entrypoint {api|dispatcher|serve|batch|worker|scheduler|verify} [ARGS...]" >&2
        echo "       cosy-entrypoint COMMAND [ARGS...]   (any other command, e.g. cosy keys list)" >&2
        exit 0 ;;
    *)
        exec "$role" "$@" ;;
esac
