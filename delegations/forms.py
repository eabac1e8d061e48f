from django import forms

from .models import Application, Inquiry

# Suggestions offered as the visitor types; any other role may be written in.
ROLE_SUGGESTIONS = [
    "Superintendent",
    "Assistant superintendent",
    "Chief technology officer (CTO)",
    "Chief information officer (CIO)",
    "Director of technology",
    "Principal",
    "Teacher",
    "School board member",
    "Education ministry official",
    "Researcher",
    "Industry partner",
]


def one_line(value):
    """Collapse runs of whitespace: a name or role has no business spanning lines."""
    return " ".join(value.split())


class VisitorForm(forms.ModelForm):
    """What the forms on a trip's page share: a honeypot, tidy one-line fields, ids
    prefixed so that two forms on one page cannot clash."""

    # The honeypot: hidden from people by CSS and from assistive technology by
    # aria-hidden, so only a robot filling in every field puts something here.
    honeypot_name = "website"
    website = forms.CharField(
        label="Leave this field empty",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )
    role_suggestions = ROLE_SUGGESTIONS
    id_prefix = None
    one_line_fields = ("name", "organisation", "role")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.id_prefix}-%s")
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        for name in self.one_line_fields:
            if isinstance(cleaned.get(name), str):
                cleaned[name] = one_line(cleaned[name])
        return cleaned

    @property
    def honeypot(self):
        return self[self.honeypot_name]

    @property
    def visible_fields_in_order(self):
        return [self[name] for name in self.Meta.fields]

    def is_spam(self):
        """Whether the honeypot was filled in (checked on the raw data, valid or not)."""
        return bool(self.data.get(self.honeypot_name, "").strip())


PERSON_ERRORS = {
    "name": {
        "required": "Enter your name.",
        "max_length": "Your name must be %(limit_value)d characters or fewer.",
    },
    "email": {
        "required": "Enter your email address.",
        "invalid": "Enter an email address like name@example.org.",
        "max_length": "Your email address must be %(limit_value)d characters or fewer.",
    },
    "organisation": {
        "required": "Enter your organisation or school district.",
        "max_length": "The organisation must be %(limit_value)d characters or fewer.",
    },
    "role": {
        "required": "Enter your role.",
        "max_length": "Your role must be %(limit_value)d characters or fewer.",
    },
}
PERSON_WIDGETS = {
    "name": forms.TextInput(attrs={"autocomplete": "name"}),
    "email": forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
}


class InquiryForm(VisitorForm):
    id_prefix = "inquiry"

    consent = forms.BooleanField(
        label="I agree that CoSN may store these details and contact me about this delegation.",
        error_messages={"required": "Tick the box to agree that CoSN may contact you."},
    )

    class Meta:
        model = Inquiry
        fields = ["name", "email", "organisation", "role", "message", "consent"]
        labels = {
            "name": "Your name",
            "email": "Your email address",
            "organisation": "Organisation",
            "role": "Your role",
            "message": "Your question or message",
        }
        help_texts = {
            "role": "For example: Superintendent, CTO, teacher.",
            "message": "Ask a question about the delegation (up to 5,000 characters).",
        }
        widgets = {
            **PERSON_WIDGETS,
            "role": forms.TextInput(
                attrs={"autocomplete": "organization-title", "list": "inquiry-roles"}
            ),
            "message": forms.Textarea(attrs={"rows": 6}),
        }
        error_messages = {
            **PERSON_ERRORS,
            "message": {
                "required": "Write your question or message.",
                "max_length": "Your message must be %(limit_value)d characters or fewer.",
            },
        }


class ApplicationForm(VisitorForm):
    id_prefix = "apply"
    one_line_fields = ("name", "organisation", "role", "country")

    consent = forms.BooleanField(
        label=(
            "I agree that CoSN may store these details to choose the delegation and "
            "organise the trip, and email me about my application."
        ),
        error_messages={"required": "Tick the box to agree to how CoSN uses your details."},
    )

    class Meta:
        model = Application
        fields = ["name", "email", "organisation", "role", "country", "note", "consent"]
        labels = {
            "name": "Your name",
            "email": "Your email address",
            "organisation": "Organisation or school district",
            "role": "Your role",
            "country": "State or country",
            "note": "Anything we should know",
        }
        help_texts = {
            "role": "For example: Superintendent, CTO, director of technology.",
            "country": "Where you work, e.g. Ohio or Portugal.",
            "note": (
                "Why you would like to go, or anything that helps us plan (up to 3,000 characters)."
            ),
        }
        widgets = {
            **PERSON_WIDGETS,
            "role": forms.TextInput(
                attrs={"autocomplete": "organization-title", "list": "apply-roles"}
            ),
            "country": forms.TextInput(attrs={"autocomplete": "address-level1"}),
            "note": forms.Textarea(attrs={"rows": 4}),
        }
        error_messages = {
            **PERSON_ERRORS,
            "country": {
                "required": "Enter the state or country where you work.",
                "max_length": "This must be %(limit_value)d characters or fewer.",
            },
            "note": {"max_length": "Your note must be %(limit_value)d characters or fewer."},
        }
