"""Small helpers every part of the pipeline shares: files (fs), the project and its tools (project)."""
