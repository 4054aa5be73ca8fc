from __future__ import annotations

from clientcheck.launch import main

if __name__ == "__main__":
    raise SystemExit(main())
