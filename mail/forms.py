from django import forms


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Enter your email address.",
            "invalid": "Enter an email address like name@example.org.",
        },
    )
    # Hidden from people by CSS and from assistive technology; robots fill it in.
    website = forms.CharField(required=False, label="Leave this empty")

    def is_spam(self):
        return bool(self.data.get("website", "").strip())
