"""sitroom: crisis reports in, structured, source-attributed, geolocated facts out."""
from .extract import extract, extract_many
from .models import Record
from .pipeline import pipeline

__all__ = ["extract", "extract_many", "pipeline", "Record"]
__version__ = "0.1.0"
