"""Survey-tool readers: one adapter per tool, a detector, and the file loaders they share."""

from .base import Damage, Export, Grid, ResponseError
from .detect import ADAPTERS, TOOL_NAMES, detect_tool, read_export, resolve_format
from .files import load_grid

__all__ = ["ADAPTERS", "TOOL_NAMES", "Damage", "Export", "Grid", "ResponseError", "detect_tool", "load_grid",
           "read_export", "resolve_format"]
