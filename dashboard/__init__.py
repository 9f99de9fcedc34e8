"""The Streamlit dashboard: `app.py` (navigation, sign-in), `views/` (the pages, UI only), `data.py` (data access).

Public API: `serve_dashboard` (run the app as a child process), `check_exposure` (may it listen
there?), `secrets_files`, `PASSWORD_ENV`. Importing this package does not import Streamlit.
"""

from __future__ import annotations

from dashboard.auth import PASSWORD_ENV, check_exposure, secrets_files
from dashboard.serve import serve_dashboard

__all__ = ["PASSWORD_ENV", "check_exposure", "secrets_files", "serve_dashboard"]
