"""JSON files of the demo corpus (a package only so that installers ship them)."""
