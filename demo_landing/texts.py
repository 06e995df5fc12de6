"""Names and message texts the simulation draws from (all invented; the domains are reserved example domains)."""

from __future__ import annotations

FIRST_NAMES = (
    "Alice",
    "Bruno",
    "Camille",
    "David",
    "Élodie",
    "Farid",
    "Grace",
    "Hugo",
    "Inès",
    "Jamal",
    "Karen",
    "Louis",
    "Maya",
    "Nathan",
    "Olivia",
    "Pierre",
    "Quentin",
    "Rosa",
    "Samir",
    "Tara",
    "Ugo",
    "Valérie",
    "William",
    "Yasmine",
    "Zoé",
    "Ahmed",
    "Beatriz",
    "Chen",
    "Diego",
    "Emma",
    "Fatou",
    "Georg",
    "Hannah",
    "Igor",
    "Julia",
    "Kenji",
    "Lena",
    "Marco",
    "Nina",
    "Oscar",
)
LAST_NAMES = (
    "Martin",
    "Bernard",
    "Dubois",
    "Smith",
    "Johnson",
    "Garcia",
    "Müller",
    "Rossi",
    "Nguyen",
    "Kowalski",
    "Lefèvre",
    "Moreau",
    "Brown",
    "Wilson",
    "Silva",
    "Khan",
    "Dupont",
    "Fontaine",
    "O'Brien",
    "Schmidt",
    "Lambert",
    "Novak",
    "Ivanova",
    "Haddad",
    "Costa",
    "Jensen",
    "Mercier",
    "Petit",
    "Roux",
    "Walker",
)
CUSTOMER_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com")

AGENT_REPLIES = (
    "Thanks for reaching out. I have checked your account and corrected it; you should see the change now.",
    "Thank you for the details. I have escalated this and will update you as soon as I hear back.",
    "Sorry for the trouble! Could you send a screenshot of the error so I can reproduce it?",
    "I have applied the fix on our side. Please let me know if everything works for you now.",
    "Good news: this is sorted. I have also added a note so it does not happen again.",
    "Thanks for your patience. Here are the steps to follow: log out, clear the cache and sign in again.",
)
CUSTOMER_REPLIES = (
    "Thanks, but it still does not work for me.",
    "Here is the screenshot you asked for.",
    "I tried that, same problem. Any other idea?",
    "Ok, thanks! Waiting for your update.",
    "Yes, that is the right order number.",
)
REOPEN_MESSAGES = (
    "Sorry, the problem is back again this morning.",
    "It worked for a day but now I see the same error.",
    "I did not get the refund after all, can you check again?",
)
INTERNAL_NOTES = (
    "Checked the logs: the request reached us twice.",
    "Asked engineering on Slack, waiting for an answer.",
    "Customer is on the legacy plan; refund needs approval.",
    "Known issue, linked to the incident from this week.",
)
HOLD_NOTES = (
    "On hold: waiting for the payment provider to confirm.",
    "On hold: waiting for the carrier investigation.",
    "On hold: bug reported to engineering.",
)
PROACTIVE_MESSAGES = (
    "Hello, we noticed your last payment failed. Could you update your card details?",
    "Hello, your parcel was returned to our warehouse. Can you confirm your delivery address?",
    "Hello, we detected an unusual sign-in on your account and have locked it as a precaution.",
)
FOLLOW_UP_SOLVE = "We have not heard back from you, so I am marking this as solved. Just reply to reopen it."
SATISFACTION_COMMENTS = (
    "Fast and friendly, thanks!",
    "Problem solved on the first try.",
    "Took too long to get an answer.",
    "The agent did not read my message.",
    "Great help, thank you!",
)
SURVEY_COMMENTS = (
    "Quick answer, thanks!",
    'The agent said "it is fixed" but it was not.',
    "Great help, very patient.\nWill recommend you to my colleagues.",
    "Waited 20 minutes on the phone, then got cut off.",
    "Friendly, competent, fast - what else?",
    "Refund arrived, finally; 3 weeks is too long though.",
    'I had to explain my problem three times, to three people. "Transfer" is not a solution.',
)
