"""What a new workspace starts with: four spaces and the templates pages start from.

The migration copies them into the database once; admins then edit the templates there.
"""

DEFAULT_SPACES = [
    ("Policies", "policies", "Rules everyone follows: security, data, support commitments."),
    ("Procedures", "procedures", "How we do recurring work, step by step."),
    ("Product", "product", "Requirements, decisions and release notes for what we build."),
    ("Onboarding", "onboarding", "What a new team member reads first."),
]

PRD = """## Problem

Who has the problem, how often, and what it costs them today.

## Goals

- [ ] Goal one, and how we will measure it

## Non-goals

## Requirements

| # | Requirement | Priority |
|---|-------------|----------|
| 1 |             | Must     |

## Links

Feature: [[feature:Feature title]]

## Open questions
"""

POLICY = """## Purpose

## Scope

Who and what this policy applies to.

## Policy

1.

## Exceptions

How to ask for one, and who decides.

## Owner and review

This policy is reviewed at least once a year by its owner.
"""

PROCEDURE = """## When to use this procedure

## Before you start

- [ ] Access you need

## Steps

1.
2.

## If something goes wrong

## Related

[[Page title]]
"""

RELEASE_NOTES = """## Highlights

Release: [[release:Product 1.0]]

## New

-

## Improved

-

## Fixed

-

## Known issues
"""

MEETING_NOTES = """**Date:**
**Attendees:**

## Agenda

1.

## Notes

## Decisions

## Action items

- [ ] Who — what — by when
"""

DECISION_RECORD = """**Status:** proposed
**Deciders:**

## Context

## Options considered

1.
2.

## Decision

## Consequences
"""

TEMPLATES = [
    ("product-requirements", "Product requirements", "Problem, goals, requirements", PRD),
    ("policy", "Policy", "Purpose, scope, rules and exceptions", POLICY),
    ("procedure", "Procedure", "When, before you start, the steps", PROCEDURE),
    ("release-notes", "Release notes", "Highlights, new, improved, fixed", RELEASE_NOTES),
    ("meeting-notes", "Meeting notes", "Agenda, notes, decisions, actions", MEETING_NOTES),
    ("decision-record", "Decision record", "Context, options, decision", DECISION_RECORD),
]
