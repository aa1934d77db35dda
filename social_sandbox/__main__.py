"""``python -m social_sandbox --port 8001 [--host 127.0.0.1] [--state-file PATH] [--public-url URL]``."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading

from social_sandbox.mapping import bases
from social_sandbox.server import make_server
from social_sandbox.store import Store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m social_sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8001, help="port to bind (default 8001)")
    parser.add_argument(
        "--state-file", help="JSON file that keeps the sandbox's state across restarts"
    )
    parser.add_argument(
        "--public-url",
        help="the URL browsers and Chorus use to reach the sandbox, when it differs from the bound address",
    )
    parser.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO, format="%(asctime)s %(message)s"
    )
    store = Store(state_file=args.state_file)
    server, _app = make_server(args.host, args.port, store=store, public_url=args.public_url)
    url = args.public_url or f"http://{args.host}:{server.server_address[1]}"
    print(f"Social sandbox on {url} (Ctrl-C to stop)", flush=True)
    for name, base in bases(url).items():
        print(f"  {name}={base}", flush=True)

    def stop(signum: int, frame: object) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        store.save()
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
