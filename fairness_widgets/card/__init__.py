"""Model cards: schema, load/save, completeness profiles, Markdown/HTML/Hugging Face/MCT formats.

>>> import fairness_widgets as fw
>>> card = fw.ModelCard()
>>> card.schema_version
'fw-card/1.1'
"""

from fairness_widgets.card.convert import CardFormatError
from fairness_widgets.card.mct import save_mct
from fairness_widgets.card.model_card import ModelCard
from fairness_widgets.card.profiles import PROFILES, Missing

__all__ = ["PROFILES", "CardFormatError", "Missing", "ModelCard", "save_mct"]
