from django.dispatch import Signal

# Sent after each attempt to send an email (sent, failed for good, or to be tried again),
# with `email`: a record an email is about (Email.about) can keep its own status from it.
email_attempted = Signal()
