"""What the research app adds to other pages: a feature's measured outcome (the surveys about
it and their score, beside the demand that justified it) and its research evidence (the
highlights linked to it); a release's follow-up surveys, with the form that schedules them;
the studies a customer's people took part in and the personas the company stands for."""

from django.utils.translation import gettext_lazy as _

from wavelength.catalog.sections import register_section


def _feature_outcome(*, user, feature):
    from .selectors import feature_outcome

    return feature_outcome(user=user, feature=feature)


def _feature_research(*, user, feature):
    from .selectors import feature_research

    return feature_research(user=user, feature=feature)


def _release_follow_ups(*, user, release):
    from .selectors import release_follow_ups

    return release_follow_ups(user=user, release=release)


def _company_studies(*, user, company):
    from .selectors import company_studies

    return company_studies(user=user, company=company)


def _company_personas(*, user, company):
    from .selectors import company_personas

    return company_personas(user=user, company=company)


def register() -> None:
    register_section(
        "feature",
        "outcome",
        title=_("Measured outcome"),
        template="research/_feature_outcome.html",
        loader=_feature_outcome,
        empty_text=_("No survey has measured this feature yet."),
        order=25,
    )
    register_section(
        "feature",
        "research",
        title=_("Research evidence"),
        template="research/_feature_research.html",
        loader=_feature_research,
        empty_text=_("No highlight of a study is linked to this feature yet."),
        order=26,
    )
    register_section(
        "release",
        "follow-ups",
        title=_("Follow-up surveys"),
        template="research/_release_follow_ups.html",
        loader=_release_follow_ups,
        count=lambda items: len(items[0]["surveys"]),
        order=60,
    )
    register_section(
        "company",
        "studies",
        title=_("Research studies"),
        template="research/_company_studies.html",
        loader=_company_studies,
        empty_text=_("Nobody of this customer has taken part in a study yet."),
        order=59,
    )
    register_section(
        "company",
        "personas",
        title=_("Personas"),
        template="research/_company_personas.html",
        loader=_company_personas,
        empty_text=_("This customer stands for no persona yet."),
        order=60,
    )
