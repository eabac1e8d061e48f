from django import forms

from .models import Inquiry

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


class InquiryForm(forms.ModelForm):
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
            "message": (
                "Ask a question, or tell us you would like to join the delegation "
                "(up to 5,000 characters)."
            ),
        }
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
            "role": forms.TextInput(
                attrs={"autocomplete": "organization-title", "list": "inquiry-roles"}
            ),
            "message": forms.Textarea(attrs={"rows": 6}),
        }
        error_messages = {
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
                "max_length": "The organisation must be %(limit_value)d characters or fewer.",
            },
            "role": {"max_length": "Your role must be %(limit_value)d characters or fewer."},
            "message": {
                "required": "Write your question or message.",
                "max_length": "Your message must be %(limit_value)d characters or fewer.",
            },
        }

    def __init__(self, *args, **kwargs):
        # Prefixed ids cannot clash with the ids of the page the form sits on.
        kwargs.setdefault("auto_id", "inquiry-%s")
        super().__init__(*args, **kwargs)

    def clean_name(self):
        return one_line(self.cleaned_data["name"])

    def clean_organisation(self):
        return one_line(self.cleaned_data["organisation"])

    def clean_role(self):
        return one_line(self.cleaned_data["role"])

    @property
    def honeypot(self):
        return self[self.honeypot_name]

    @property
    def visible_fields_in_order(self):
        return [self[name] for name in self.Meta.fields]

    def is_spam(self):
        """Whether the honeypot was filled in (checked on the raw data, valid or not)."""
        return bool(self.data.get(self.honeypot_name, "").strip())
