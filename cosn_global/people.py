"""People's pages: everything a person took part in, across trips and symposia.

A person has a page only once something public names them: a published trip they are the
contact for, or were a delegate on and agreed to be listed for, a published post or
episode they wrote, a session of a published edition, or a testimonial on a published
trip. Nobody else's name, role or photo is shown anywhere.
"""

from django.db.models import Q
from django.views.generic import DetailView

from core import structured_data
from core.models import Person
from delegations.models import Delegation, Dispatch, Testimonial
from symposium.models import Session, Symposium


def public_people():
    trips = Delegation.objects.published()
    sessions = Session.objects.filter(symposium__in=Symposium.objects.published())
    return Person.objects.filter(
        Q(pk__in=trips.values("contacts"))
        | Q(pk__in=trips.values("delegates"), listed=True)
        | Q(pk__in=Dispatch.objects.published().values("author"))
        | Q(pk__in=sessions.values("speakers"))
        | Q(pk__in=sessions.values("moderators"))
        | Q(pk__in=Testimonial.objects.filter(delegation__in=trips).values("person"))
    )


class PersonView(DetailView):
    model = Person
    template_name = "person.html"

    def get_queryset(self):
        return public_people().select_related("organisation")

    def get_context_data(self, **kwargs):
        person = self.object
        trips = Delegation.objects.published().for_cards()
        sessions = Session.objects.filter(
            symposium__in=Symposium.objects.published()
        ).select_related("symposium")
        return super().get_context_data(
            structured_data=structured_data.person(person, self.request),
            contact_for=list(trips.filter(contacts=person)),
            delegate_on=list(trips.filter(delegates=person)) if person.listed else [],
            dispatches=list(
                Dispatch.objects.published().filter(author=person).select_related("delegation")
            ),
            spoke_at=list(sessions.filter(speakers=person)),
            moderated=list(sessions.filter(moderators=person)),
            testimonials=list(
                Testimonial.objects.filter(person=person, delegation__in=trips).select_related(
                    "delegation"
                )
            ),
            **kwargs,
        )
