"""The Streamlit dashboard: `app.py` (navigation), `pages/` (UI only), `data.py` (data access).

Public API: `serve_dashboard` (run the app as a child process). Importing this package does
not import Streamlit.
"""

from __future__ import annotations

from dashboard.serve import serve_dashboard

__all__ = ["serve_dashboard"]
