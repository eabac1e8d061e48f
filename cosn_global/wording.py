"""Every piece of the public pages' fixed wording that editors may change (admin:
*Wording*), with where it appears and its default, and the context processor that hands
the changes to the templates' {% wording %} tag (core/wording.py says how it works).

Not here: what editors already write (trips, sections...), the text of validation
errors and emails (applicants' emails have their own editable wording), and pages
rendered without the database (server errors, lockouts).
"""

from django.utils.functional import SimpleLazyObject

from core.models import Wording
from core.templatetags.wording import CONTEXT_NAME
from core.wording import group, register, register_form
from delegations.forms import ApplicationForm, InquiryForm
from pagecache import version as content_version

group("site", "Every page: header, footer and the sign-up form")
register(
    "site.skip_link", "The first link on every page, for keyboard users", "Skip to main content"
)
register("site.breadcrumb", "The first link of every page's breadcrumb trail", "Global Leadership")
register("site.nav.landing", "Main menu: the link to the landing page", "Global Leadership")
register(
    "site.nav.delegations", "Main menu: the link to the delegations", "International Delegations"
)
register("site.nav.symposium", "Main menu: the link to the symposium", "International Symposium")
register(
    "site.search.label",
    "The search box in the header: its label, read out by screen readers",
    "Search delegations, reports, blog posts and symposia",
)
register("site.search.button", "The search box in the header: its button", "Search")
register("site.footer.name", "Footer: the site's name, in bold", "CoSN Global Leadership")
register(
    "site.footer.about",
    "Footer: what the site is, after its name",
    "international delegations and the Annual International Symposium of CoSN, the "
    "Consortium for School Networking.",
)
register("site.footer.delegations", "Footer: the link to the delegations", "All delegations")
register("site.footer.symposium", "Footer: the link to the symposium", "All symposium editions")
register("site.footer.privacy", "Footer: the link to the privacy page", "Privacy")
register(
    "site.subscribe.heading",
    "The sign-up form (footer, “no delegation open” notice): its heading",
    "Email me when a new delegation or symposium is announced",
)
register(
    "site.subscribe.label",
    "The sign-up forms: the label of the email address",
    "Your email address",
)
register("site.subscribe.button", "The sign-up form (footer, notice): its button", "Sign up")
register(
    "site.subscribe.note",
    "The sign-up form (footer, notice): the note under it",
    "We will email you a link to confirm. One email per announcement; unsubscribe at any time.",
)
register(
    "site.calendar.add",
    "A trip's or a symposium edition's page: the calendar file's link",
    "Add to calendar",
)
register(
    "site.calendar.subscribe",
    "An upcoming trip's or edition's page: the link to the subscribable calendar",
    "Subscribe to the calendar of upcoming delegations and symposia",
)
register("site.forms.optional", "Visitors' forms: after an optional field's label", "(optional)")
register(
    "site.forms.optional_note",
    "The question and application forms: the note above them",
    "Fields marked “optional” may be left empty.",
)
register(
    "site.forms.problem", "Visitors' forms: the heading of the list of errors", "There is a problem"
)

group("landing", "The Global Leadership page (/)")
register("landing.next", "Above the next trip", "Next delegation")
register(
    "landing.join_us",
    "Before “CoSN is leading an International Delegation to…” about the next trip",
    "Join Us:",
)
register(
    "landing.button.apply",
    "The next trip's button, while it takes applications",
    "Apply, see the agenda or ask",
)
register(
    "landing.button.agenda",
    "The next trip's button, when it takes no applications",
    "Agenda and contact",
)
register("landing.also", "The heading of the other upcoming trips", "Also coming up")
register(
    "landing.all_upcoming",
    "The link under the other upcoming trips, when there are more",
    "All upcoming delegations",
)
register(
    "landing.overview_link",
    "The link to the timeline and map, under the past trips",
    "Where CoSN has been: a timeline and a map",
)

group("delegations", "International Delegations: the list, the map and the journal")
register(
    "delegations.past",
    "The heading of the past trips (landing page and the delegations' list)",
    "Past Delegations",
)
register(
    "delegations.upcoming",
    "The delegations' list: the heading of upcoming trips",
    "Upcoming delegations",
)
register(
    "delegations.testimonials",
    "The heading of the delegates' quotes (landing page and a trip's page)",
    "In the delegates' words",
)
register(
    "delegations.journal_link",
    "The link to the journal (landing page and the delegations' list)",
    "The delegates' journal: their blog posts and podcasts",
)
register(
    "delegations.overview_link",
    "The delegations' list: the link to the timeline and map",
    "Where CoSN has been: every delegation on a timeline and a map",
)
register(
    "delegations.empty.past",
    "When no past trip is published (landing page, list, map)",
    "No past delegations have been published yet.",
)
register(
    "delegations.empty.filtered",
    "The delegations' list, when no past trip matches the filters",
    "No past delegations match these filters.",
)
register(
    "delegations.none_open",
    "The notice when no trip is upcoming (landing page and list): its first line",
    "No delegation is open for registration right now.",
)
register(
    "delegations.none_open_note",
    "The notice when no trip is upcoming: what follows",
    "New trips are announced on this page and by email to those who sign up below.",
)
register("delegations.filter.where", "The past trips' filters: the place's label", "Where")
register("delegations.filter.anywhere", "The past trips' filters: any place", "Anywhere")
register("delegations.filter.year", "The past trips' filters: the year's label", "Year")
register("delegations.filter.any_year", "The past trips' filters: any year", "Any year")
register("delegations.filter.button", "The past trips' filters: the button", "Show delegations")
register(
    "delegations.filter.clear", "The past trips' filters: the link to clear them", "Clear filters"
)
register(
    "delegations.year_unknown",
    "The delegations' list: the heading of trips whose year is not known",
    "Year not recorded",
)
register("delegations.overview.heading", "The timeline and map: its title", "Where CoSN has been")
register(
    "delegations.overview.lede",
    "The timeline and map: the line under the title",
    "Every International Delegation, oldest first, and the countries they visited.",
)
register("delegations.overview.map", "The timeline and map: the map's heading", "Countries visited")
register(
    "delegations.overview.places",
    "The timeline and map: the heading of the list of places",
    "Countries and regions",
)
register(
    "delegations.overview.timeline", "The timeline and map: the timeline's heading", "Timeline"
)
register(
    "delegations.empty.any",
    "The timeline, when no trip is published",
    "No delegations have been published yet.",
)
register("delegations.journal.heading", "The journal: its title", "The delegates' journal")
register(
    "delegations.journal.lede",
    "The journal: the line under the title",
    "The delegation members blog and create podcasts during the event: here is every post "
    "and episode, newest first.",
)
register(
    "delegations.journal.feed",
    "The journal: the link to its feed",
    "Follow the journal (Atom feed)",
)
register(
    "delegations.journal.empty",
    "The journal, when nothing is published",
    "Nothing has been published in the journal yet.",
)
register(
    "delegations.journal.empty_filtered",
    "The journal, when nothing matches the chosen trip or kind",
    "Nothing has been published in the journal with this choice yet.",
)

group("trip", "A trip's page, its reports and its posts")
register(
    "trip.under_way", "Above a trip that is under way (its page, the landing page)", "Under way now"
)
register("trip.upcoming", "Above an upcoming trip's title", "Upcoming delegation")
register("trip.past", "Above a past trip's title", "Past delegation")
register("trip.facts.dates", "The label of a trip's dates", "Dates")
register("trip.facts.focus", "The label of a trip's topics", "Focus")
register(
    "trip.dates_unknown",
    "Where a trip's dates are not known (pages and cards)",
    "Dates not recorded",
)
register("trip.itinerary", "The heading of a trip's itinerary", "Day by day")
register("trip.delegates", "The heading of a trip's delegates", "The delegates")
register("trip.photos", "The heading of a trip's photos", "Photos")
register(
    "trip.photo_not_online",
    "After the caption of a photo whose picture is not online (in brackets)",
    "the picture is not online",
)
register(
    "trip.dispatches",
    "The heading of a trip's blog posts and podcasts",
    "From the delegates: blogs and podcasts",
)
register(
    "trip.podcast",
    "The link to a trip's podcast feed",
    "Subscribe to this delegation’s podcast (RSS feed)",
)
register(
    "trip.apply_or_ask", "An upcoming trip: the heading of the panel with the forms", "Apply or ask"
)
register(
    "trip.agenda.download", "An upcoming trip: the link to its agenda file", "Download the agenda"
)
register("trip.agenda.see", "An upcoming trip: the link to its agenda elsewhere", "See the agenda")
register("trip.contact", "The heading of a trip's contacts", "Contact")
register("trip.partners", "The heading of a trip's sponsors and partners", "Sponsors and partners")
register("trip.facts.heading", "An upcoming trip: the heading of its key facts", "Key facts")
register("trip.facts.cost", "Key facts: the cost's label", "Cost")
register("trip.facts.on_request", "Key facts: a cost given on request", "On request")
register("trip.facts.includes", "Key facts: before what the cost includes", "Includes:")
register(
    "trip.facts.cost_includes",
    "Key facts: the label of what is included, with no cost given",
    "The cost includes",
)
register("trip.facts.audience", "Key facts: the label of whom the trip is for", "Who it is for")
register("trip.facts.apply_by", "Key facts: the label of the apply-by day", "Apply by")
register("trip.report.label", "Before a report's title, in lists and cards", "Official report:")
register("trip.report.download", "The link to download a report's PDF", "Download the report")
register("trip.report.read", "The link to a report on another site", "Read the report")
register(
    "trip.report.not_online", "In lists, for a report that is not online", "Not available online."
)
register("trip.report.eyebrow", "A report's page: above its title", "Official delegation report")
register("trip.report.findings", "A report's page: the heading of its key findings", "Key findings")
register(
    "trip.report.unavailable",
    "A report's page, when the report is not online",
    "This report is not available online.",
)
register(
    "trip.dispatch.transcript", "A podcast episode's page: the transcript's heading", "Transcript"
)
register("trip.apply.heading", "The application form: its heading", "Apply to join the delegation")
register(
    "trip.apply.intro",
    "The application form: the line under its heading",
    "CoSN's staff read every application and email you their decision.",
)
register("trip.apply.button", "The application form: its button", "Send your application")
register(
    "trip.apply.waitlist_heading",
    "The application form on a full trip: its heading",
    "Join the waitlist",
)
register(
    "trip.apply.waitlist_intro",
    "The application form on a full trip: the line under its heading",
    "Every place is taken: applications join the waitlist in the order they arrive, and are "
    "offered any place that becomes free.",
)
register(
    "trip.apply.waitlist_button",
    "The application form on a full trip: its button",
    "Join the waitlist",
)
register(
    "trip.apply.thanks",
    "The page after applying: its heading",
    "Thank you: we have your application",
)
register("trip.inquiry.heading", "The question form: its heading", "Ask a question")
register("trip.inquiry.button", "The question form: its button", "Send your message")
register(
    "trip.inquiry.thanks",
    "The page after asking a question: its heading",
    "Thank you: we have received your message",
)
register(
    "trip.withdraw.button",
    "The page to withdraw an application: its button",
    "Withdraw my application",
)
register(
    "trip.withdraw.invalid",
    "The page of a link to withdraw that does not work ({days}: how long links work)",
    "The link to withdraw an application is incomplete, or older than {days} days. Use the "
    "link in the latest email about your application, or write to the trip's contact, whose "
    "address is in that email and on the delegation's page.",
)

group("form", "The question and application forms: labels and hints")
register_form("inquiry", InquiryForm, "The question form")
register_form("apply", ApplicationForm, "The application form")

group("symposium", "The International Symposium's pages")
register(
    "symposium.eyebrow", "An edition's page: above its title", "Annual International Symposium"
)
register(
    "symposium.partnership",
    "An edition's page and card: before its partners",
    "In partnership with",
)
register("symposium.attend", "An upcoming edition: the heading of how to attend", "How to attend")
register("symposium.when_where", "A past edition: the heading of when and where", "When and where")
register("symposium.when", "An edition: the label of its dates", "When")
register("symposium.where", "An edition: the label of its venue", "Where")
register("symposium.register", "An upcoming edition: the registration button", "Register")
register("symposium.programme", "An edition: the heading of its programme", "Programme")
register("symposium.resources", "A past edition: the heading of its resources", "Resources")
register(
    "symposium.all_link",
    "The link to every edition (an edition's page, the landing page)",
    "All symposium editions",
)
register(
    "symposium.editions", "The symposium's page: the heading of its editions", "Editions by year"
)
register(
    "symposium.empty",
    "The symposium's page, when no edition is published",
    "No symposium editions have been published yet.",
)

group("mail", "Signing up for announcements, and unsubscribing")
register(
    "mail.subscribe.heading",
    "The sign-up page: its title",
    "Hear about the next delegation or symposium",
)
register(
    "mail.subscribe.lede",
    "The sign-up page: the line under its title",
    "We will email you when CoSN announces a new international delegation or International "
    "Symposium: one email per announcement, nothing else.",
)
register("mail.subscribe.button", "The sign-up page: its button", "Sign up")
register("mail.sent.heading", "The page after signing up: its title", "Check your email")
register(
    "mail.sent.lede",
    "The page after signing up: what happens next",
    "If the address can receive announcements, we have sent it a link to confirm. Follow the "
    "link and press “Confirm” to start hearing about new delegations and symposia.",
)
register(
    "mail.confirm.heading", "The page of the confirmation link: its title", "Confirm your address"
)
register("mail.confirm.button", "The page of the confirmation link: its button", "Confirm")
register(
    "mail.confirm.note",
    "The page of the confirmation link: the note under the button",
    "Did not sign up? Do nothing: we forget the address if it is not confirmed.",
)
register("mail.confirmed.heading", "The page after confirming: its title", "You are signed up")
register("mail.unsubscribe.heading", "The unsubscribe page: its title", "Unsubscribe")
register("mail.unsubscribe.button", "The unsubscribe page: its button", "Unsubscribe")
register(
    "mail.unsubscribed.heading", "The page after unsubscribing: its title", "You are unsubscribed"
)

group("privacy", "The privacy page, and the privacy notes by the forms")
register(
    "privacy.link.details",
    "The link to the privacy page by the question and application forms",
    "How we use your details",
)
register(
    "privacy.link.address",
    "The link to the privacy page by the sign-up forms",
    "How we use your address",
)
register(
    "privacy.subscribe_note",
    "The sign-up page: the note under the form ({days}: how long an address waits to be confirmed)",
    "We will email you a link to confirm your address; until you follow it, we send nothing "
    "else, and we forget an address that is not confirmed within {days} days. Every "
    "announcement has a link to unsubscribe.",
)
register("privacy.heading", "The privacy page: its title", "How we use your details")
register(
    "privacy.lede",
    "The privacy page: the line under its title",
    "This site collects personal details only through its forms, and only for the purpose "
    "each form states.",
)
register(
    "privacy.questions.heading", "The privacy page: about questions", "Questions about a delegation"
)
register(
    "privacy.questions.text",
    "The privacy page: what is kept of a question ({days}: how long after the trip)",
    "When you ask about an upcoming delegation we keep your name, email address, "
    "organisation, role and message, and send them to the people at CoSN who run the trip, "
    "so that they can answer you. We delete them {days} days after the trip ends.",
)
register(
    "privacy.applications.heading",
    "The privacy page: about applications",
    "Applications to join a delegation",
)
register(
    "privacy.applications.text",
    "The privacy page: what is kept of an application ({days}: how long after the trip)",
    "When you apply we keep your name, email address, organisation, role, district or "
    "country and note, and what we decided. CoSN's staff use them to choose the delegation "
    "and to plan the trip, and we email you when your application changes: received, "
    "accepted, waitlisted, declined or withdrawn. You can withdraw with the link in those "
    "emails. We delete applications {days} days after the trip ends.",
)
register("privacy.announcements.heading", "The privacy page: about announcements", "Announcements")
register(
    "privacy.announcements.text",
    "The privacy page: what is kept of a sign-up ({days}: how long it waits to be confirmed)",
    "When you sign up we keep your email address and when you signed up and confirmed. We "
    "email it only to ask you to confirm, and then once for each new delegation or symposium "
    "we announce. An address not confirmed within {days} days is deleted. Every announcement "
    "has a link to unsubscribe; unsubscribing deletes your address at once.",
)
register("privacy.everyone.heading", "The privacy page: about every visitor", "Everyone")
register(
    "privacy.everyone.text",
    "The privacy page: what is kept of every visitor",
    "To limit abuse of the forms, we count how often each network address sends them; we "
    "keep a one-way code made from the address with a question, never the address itself. "
    "The site sets no tracking or advertising cookies: the only cookie a visitor gets "
    "protects the forms on a delegation's page from forgery.",
)
register(
    "privacy.rights.heading",
    "The privacy page: the heading about seeing or deleting one's details",
    "Seeing or deleting your details",
)

group("search", "Search")
register("search.heading", "The search page: its title", "Search")
register(
    "search.label",
    "The search page: the search box's label",
    "Search delegations, reports, blog posts, podcasts and symposia",
)
register("search.button", "The search page: its button", "Search")
register(
    "search.help",
    "The search page, before a search: how to search",
    "Type a word or two, such as a country, a city or a topic, and press Search. Words in "
    "“quotes” are found together; a word after a minus sign (-) is left out.",
)

group("person", "People's pages")
register("person.contact_for", "The heading of the trips a person is the contact of", "Contact for")
register("person.delegations", "The heading of the trips a person was a delegate on", "Delegations")
register(
    "person.dispatches",
    "The heading of a person's blog posts and episodes",
    "Blog posts and podcast episodes",
)
register(
    "person.symposium",
    "The heading of the sessions a person spoke at or moderated",
    "At the International Symposium",
)
register("person.testimonials", "The heading of a person's quotes", "In their words")

group("errors", "The “page not found” page")
register("errors.not_found.heading", "Its title", "Page not found")
register(
    "errors.not_found.text",
    "The line under its title",
    "Sorry, there is no page at this address. It may have moved, or the link may be mistyped.",
)


def changes(request):
    """Put the editors' changes to the wording in every template's context.

    Lazily, so a template without wording costs nothing, and with the content version the
    page cache has already read for this page (pagecache/lookup.py), so a page costs no
    query for its wording except the first one rendered after an edit. A page the cache
    does not handle (a form sent, staff, a link from an email) reads the version: one
    small query.
    """

    def load():
        lookup = getattr(request, "page_cache_lookup", None)
        if lookup is not None and lookup.from_database:
            version = lookup.version
        else:
            version = content_version.read()
        return Wording.texts(version)

    return {CONTEXT_NAME: SimpleLazyObject(load)}
