"""Build hook: ship the repository's instruments/, notebooks/ and templates/ inside the wheel.

They stay top-level folders of the repository (DESIGN.md fixes the layout) and
are copied into ``evaluation/_resources/`` at build time, where
``evaluation.data.resources.resource_dir`` finds them with importlib.resources.
Everything else about the package is declared in pyproject.toml.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

RESOURCE_FOLDERS = ("instruments", "notebooks", "templates")
SKIP = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc")


class BuildWithResources(build_py):
    def run(self):
        super().run()
        if self.editable_mode:  # an editable install reads the folders in place
            return
        root = Path(__file__).resolve().parent
        target = Path(self.build_lib) / "evaluation" / "_resources"
        for name in RESOURCE_FOLDERS:
            src = root / name
            if src.is_dir():
                shutil.copytree(src, target / name, dirs_exist_ok=True, ignore=SKIP)


setup(cmdclass={"build_py": BuildWithResources})
