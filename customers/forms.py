"""The entrance kiosk's registration form: checks input, then ``customer_register`` acts."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.datastructures import MultiValueDict

from customers.apis import MAX_DESIRES, MAX_KEYWORDS
from customers.faces import MAX_BYTES
from customers.models import PaymentMethod, Ranking
from customers.services import DesireInput

NAME_MAX = 100


class RegistrationForm(forms.Form):
    """Payment, ranking, consent and photo as fields; the wants arrive as parallel lists
    (``want_name``, ``want_keywords``, ``want_level``), one entry per row of the page, so
    the page can add rows without a formset's management form."""

    payment_method = forms.ChoiceField(
        choices=PaymentMethod.choices, initial=PaymentMethod.CARD, widget=forms.RadioSelect
    )
    ranking = forms.ChoiceField(
        choices=Ranking.choices, initial=Ranking.NEAREST, widget=forms.RadioSelect
    )
    consent = forms.BooleanField(required=False)
    face_image = forms.FileField(required=False)

    #: What a form holds unbound or bound to ``request.POST``: rows come as lists.
    data: MultiValueDict[str, Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.desires: list[DesireInput] = []
        #: Rows as entered, to show them again with the errors.
        self.want_rows: list[dict[str, str]] = []
        #: Errors of the want rows, by row index (0-based).
        self.want_errors: dict[int, str] = {}

    def clean_face_image(self) -> bytes | None:
        upload = self.cleaned_data.get("face_image")
        if upload is None:
            return None
        if upload.size > MAX_BYTES:
            raise forms.ValidationError("The photo is larger than 5 MB.")
        return upload.read()

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        names = self.data.getlist("want_name")
        keywords = self.data.getlist("want_keywords")
        levels = self.data.getlist("want_level")
        for index, name in enumerate(names):
            row = {
                "name": name.strip(),
                "keywords": keywords[index].strip() if index < len(keywords) else "",
                "level": levels[index] if index < len(levels) else "3",
            }
            self.want_rows.append(row)
            if not row["name"]:
                if row["keywords"]:
                    self.want_errors[index] = "Name the product as well as its other words."
                continue
            desire, error = _desire(row)
            if error:
                self.want_errors[index] = error
            elif desire is not None:
                self.desires.append(desire)
        if self.want_errors:
            self.add_error(None, "Some wanted products need a correction (see below).")
        elif not self.desires:
            self.add_error(None, "Enter at least one wanted product.")
        elif len(self.desires) > MAX_DESIRES:
            self.add_error(None, f"Enter at most {MAX_DESIRES} wanted products.")
        if cleaned.get("face_image") is not None and not cleaned.get("consent"):
            self.add_error(
                "consent", "Tick the box to agree to the photo being used, or remove the photo."
            )
        return cleaned


def _desire(row: dict[str, str]) -> tuple[DesireInput | None, str]:
    if "\x00" in row["name"] or "\x00" in row["keywords"]:
        return None, "Remove the control characters from the name and other words."
    if len(row["name"]) > NAME_MAX:
        return None, f"The name is longer than {NAME_MAX} characters."
    words = [word.strip() for word in row["keywords"].split(",") if word.strip()]
    if len(words) > MAX_KEYWORDS or any(len(word) > NAME_MAX for word in words):
        return None, f"At most {MAX_KEYWORDS} other words, each up to {NAME_MAX} characters."
    try:
        level = int(row["level"])
    except ValueError:
        level = 0
    if not 1 <= level <= 5:
        return None, "Choose how much you want it, from 1 to 5."
    return DesireInput(name=row["name"], keywords=words, level=level), ""
