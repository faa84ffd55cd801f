"""Every widget of every lesson in JupyterLab, in headless Chromium: what is checked is
described in tests/browser_check.py. (The other front-end has its own file, so that the two
run on two pytest-xdist workers at once.)"""
from pathlib import Path

import pytest

import browser_check as bc


@pytest.mark.parametrize("notebook", bc.NOTEBOOKS, ids=bc.IDS)
def test_widgets_work_in_jupyterlab(notebook: Path, jupyter_server, pages):
    bc.check_widgets(notebook, "lab", jupyter_server, pages)
