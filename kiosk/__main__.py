"""Allow ``python -m kiosk`` (and ``python -m kiosk --speech-worker [ENGINE]``, the read-aloud worker,
handled before the CLI is imported, as in the packaged build)."""

import sys

if sys.argv[1:2] == ["--speech-worker"]:
    from kiosk.ui.speech_worker import main as speech_worker_main

    raise SystemExit(speech_worker_main(sys.argv[2:]))

from kiosk.cli import main

raise SystemExit(main())
