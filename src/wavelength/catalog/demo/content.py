"""What the demo company is made of: Kestrel Labs, three products and their year.

Pure data; :mod:`wavelength.catalog.demo` turns it into service calls at past times.
Days are counted back from the moment the demo is built.
"""

from dataclasses import dataclass

from wavelength.catalog.models import ReleaseStatus, Stage

DEMO_EMAIL = "demo@wavelength.local"
DEMO_PASSWORD = "wavelength-demo"
DEMO_NAME = "Dana Demo"
COMPANY = "Kestrel Labs"


@dataclass(frozen=True)
class Person:
    key: str
    name: str
    role: str
    teams: tuple[str, ...]
    title: str  # kept for the reader: the user model has no job title

    @property
    def email(self) -> str:
        if self.key == "dana":
            return DEMO_EMAIL
        return self.name.lower().replace(" ", ".") + "@kestrel.example"


PEOPLE = [
    Person("dana", DEMO_NAME, "admin", ("product",), "Product operations lead"),
    Person("maya", "Maya Okafor", "admin", ("product",), "Head of Product"),
    Person("tom", "Tom Lindqvist", "editor", ("product",), "Product manager, Lumen"),
    Person("priya", "Priya Raman", "editor", ("product",), "Product manager, Fieldline"),
    Person("lucas", "Lucas Moreau", "editor", ("product",), "Product manager, Relay"),
    Person("sven", "Sven Halvorsen", "editor", ("engineering",), "Engineering manager"),
    Person("aisha", "Aisha Karimi", "editor", ("engineering",), "Staff engineer"),
    Person("diego", "Diego Alvarez", "editor", ("engineering",), "Mobile engineer"),
    Person("hannah", "Hannah Becker", "editor", ("engineering",), "Backend engineer"),
    Person("kenji", "Kenji Watanabe", "editor", ("qa",), "QA lead"),
    Person("elena", "Elena Petrova", "editor", ("design",), "Product designer"),
    Person("olivia", "Olivia Grant", "editor", ("marketing",), "Product marketing manager"),
    Person("marcus", "Marcus Reid", "viewer", ("sales",), "Solutions engineer"),
    Person("fatima", "Fatima Benali", "editor", ("support",), "Support lead"),
    Person("noah", "Noah Fischer", "viewer", ("support",), "Support engineer"),
    Person("grace", "Grace Liu", "viewer", ("operations", "sales"), "Revenue operations"),
]

# The default teams (created by a migration); re-created if someone deleted them.
TEAMS = {
    "product": ("Product", "Discovery, roadmap and the lifecycle of every feature."),
    "engineering": ("Engineering", "Builds and runs Lumen, Fieldline and the Relay platform."),
    "qa": ("QA", "Test plans, release inspections and the quality gate before anything ships."),
    "design": ("Design", "Research, interaction and visual design for web and mobile."),
    "marketing": ("Marketing", "Launches, release notes and the public changelog."),
    "sales": ("Sales", "New business and expansion; brings customers' voices to roadmap reviews."),
    "support": ("Support", "First and second line support; writes every release's support notes."),
    "operations": ("Operations", "Revenue operations, compliance and the vendor landscape."),
}


@dataclass(frozen=True)
class ProductSpec:
    key: str
    name: str
    pm: str
    areas: tuple[str, ...]
    description: str


PRODUCTS = [
    ProductSpec(
        "lumen",
        "Lumen Analytics",
        "tom",
        ("Dashboards", "Data connectors", "Reports & exports", "Alerts", "Administration"),
        "Self-serve analytics for B2B SaaS teams.\n\n"
        "- Connect the warehouse (Snowflake, BigQuery, Postgres) in minutes\n"
        "- Build dashboards on governed metrics\n"
        "- Share scheduled reports and get alerted when a metric moves\n\n"
        "Sold per workspace; about 340 paying customers, mostly finance and RevOps teams.",
    ),
    ProductSpec(
        "fieldline",
        "Fieldline",
        "priya",
        ("Work orders", "Scheduling & dispatch", "Technician app", "Customer portal", "Inventory"),
        "The mobile app and back office for field-service companies: work orders, dispatch, "
        "technicians on the road and customers kept informed.\n\n"
        "| Who | Uses |\n|---|---|\n"
        "| Dispatchers | the web back office |\n"
        "| Technicians | the iOS and Android app, offline first |\n"
        "| End customers | the portal and SMS updates |",
    ),
    ProductSpec(
        "relay",
        "Relay API",
        "lucas",
        ("Gateway", "Developer portal", "SDKs", "Webhooks", "Billing & metering"),
        "The developer platform behind Kestrel's products and its partner ecosystem: API "
        "gateway, keys, webhooks, SDKs and usage-based billing.\n\n"
        "**Audience:** partner developers and customers' integration teams "
        "(~2,100 active API keys).",
    ),
]


@dataclass(frozen=True)
class ReleaseSpec:
    key: str
    product: str
    version: str
    name: str
    status: str
    created: float  # days ago
    started: float | None  # moved to in progress, days ago
    target: float  # target date, days ago (negative: in the future)
    done: float | None = None  # shipped or cancelled, days ago
    description: str = ""


RELEASES = [
    ReleaseSpec(
        "lumen-3.4", "lumen", "3.4", "Canvas", ReleaseStatus.RELEASED, 320, 285, 253, 250,
        "The dashboard builder and the first enterprise warehouse connector.",
    ),
    ReleaseSpec(
        "lumen-3.5", "lumen", "3.5", "Signals", ReleaseStatus.RELEASED, 180, 150, 122, 115,
        "Metrics that tell you when they move: anomaly alerts, plus BigQuery and dark mode.",
    ),
    ReleaseSpec(
        "lumen-4.0", "lumen", "4.0", "Ask", ReleaseStatus.IN_PROGRESS, 70, 35, -21, None,
        "Governed self-service: plain-language questions, row-level security and SCIM.\n\n"
        "**Go/no-go:** row-level security must pass the external pen test first.",
    ),
    ReleaseSpec(
        "fieldline-2.9", "fieldline", "2.9", "Routes", ReleaseStatus.RELEASED, 250, 220, 185, 185,
        "Smarter days on the road: route optimisation and annotated job photos.",
    ),
    ReleaseSpec(
        "fieldline-3.0", "fieldline", "3.0", "Stockroom", ReleaseStatus.RELEASED, 120, 85, 52, 50,
        "Parts and people: ERP inventory sync, skills matching and SMS arrival notices (beta).",
    ),
    ReleaseSpec(
        "fieldline-3.1", "fieldline", "3.1", "Live", ReleaseStatus.PLANNED, 20, None, -70, None,
        "Dispatch sees every van live; maintenance contracts become recurring work orders.",
    ),
    ReleaseSpec(
        "relay-5.2", "relay", "5.2", "Metered", ReleaseStatus.RELEASED, 80, 45, 5, 3,
        "Usage-based billing for partners, per-key rate limits and the TypeScript SDK.",
    ),
    ReleaseSpec(
        "relay-5.3", "relay", "5.3", "Graph", ReleaseStatus.CANCELLED, 165, 130, 60, 95,
        "A GraphQL gateway over the REST API. Cancelled: see the internal note.",
    ),
]  # fmt: skip


@dataclass(frozen=True)
class FeatureSpec:
    key: str
    product: str
    area: str
    title: str
    stage: str  # where the feature is today
    team: str
    owner: str
    tags: tuple[str, ...]
    summary: str
    scope: tuple[str, ...]
    release: str | None = None
    path: tuple[str, ...] | None = None  # an explicit lifecycle walk, else one is drawn
    imported: bool = False  # existed before Wavelength: created in its stage a year ago
    recent: bool = False  # its latest move (or creation) happened this week


S = Stage
IDEA, DISC, PLAN, DEV, BETA, GA, DEP, RET = (
    S.IDEA, S.DISCOVERY, S.PLANNED, S.IN_DEVELOPMENT, S.BETA, S.GENERALLY_AVAILABLE,
    S.DEPRECATED, S.RETIRED,
)  # fmt: skip


def F(*args, **kwargs) -> FeatureSpec:  # noqa: N802 (reads like a table row)
    return FeatureSpec(*args, **kwargs)


FEATURES = [
    # Lumen Analytics -------------------------------------------------------------------
    F("dashboard-builder", "lumen", "Dashboards", "Drag-and-drop dashboard builder", GA,
      "engineering", "aisha", ("dashboards", "ux"),
      "Let analysts compose dashboards by dragging charts onto a grid instead of editing JSON "
      "layouts.",
      ("Snap-to-grid layout with resizable tiles", "Duplicate and rearrange tiles with undo",
       "Layouts render identically in PDF exports"), release="lumen-3.4"),
    F("snowflake", "lumen", "Data connectors", "Snowflake connector", GA,
      "engineering", "hannah", ("connectors", "enterprise"),
      "Query Snowflake warehouses directly, with key-pair authentication and per-warehouse "
      "credit limits.",
      ("Key-pair and OAuth authentication", "Schema browser with table previews",
       "Query timeout and credit guardrails per workspace"), release="lumen-3.4"),
    F("scheduled-pdf", "lumen", "Reports & exports", "Scheduled PDF reports", GA,
      "engineering", "hannah", ("reporting",),
      "E-mail a PDF snapshot of any dashboard daily, weekly or monthly.",
      ("Schedules per recipient list", "Delivery in the recipient's time zone",
       "Bounces reported to the dashboard owner"), imported=True),
    F("csv-importer-v1", "lumen", "Data connectors", "Legacy CSV importer (v1)", DEP,
      "engineering", "hannah", ("connectors", "tech-debt"),
      "The first CSV upload path. Replaced by warehouse connectors and the new file importer; "
      "read-only until existing uploads are migrated.",
      ("Block new uploads for new workspaces", "Banner pointing to the file importer",
       "Migration script for existing datasets"), imported=True),
    F("classic-charts", "lumen", "Dashboards", "Classic chart renderer", RET,
      "engineering", "aisha", ("dashboards", "tech-debt"),
      "The canvas renderer from Lumen 2, superseded by the vector renderer that came with the "
      "dashboard builder.",
      ("Migrate saved charts to the vector renderer", "Remove the renderer toggle",
       "Delete the legacy rendering service"), imported=True, path=(GA, DEP, RET)),
    F("anomaly-alerts", "lumen", "Alerts", "Anomaly alerts on metrics", GA,
      "engineering", "aisha", ("alerts", "ai"),
      "Alert a metric's owner when it leaves its expected band, learned from its own "
      "seasonality.",
      ("Sensitivity per metric", "Alerts by e-mail and in the app",
       "Explain which dimension drove the change"), release="lumen-3.5"),
    F("bigquery", "lumen", "Data connectors", "BigQuery connector", GA,
      "engineering", "hannah", ("connectors",),
      "Connect Google BigQuery with a service account and query partitioned tables "
      "efficiently.",
      ("Service-account authentication", "Partition pruning hints in the query builder",
       "Bytes-scanned estimate before a query runs"), release="lumen-3.5"),
    F("dark-mode", "lumen", "Dashboards", "Dark mode", GA,
      "design", "elena", ("ux", "quick-win"),
      "A dark theme for dashboards and the editor that follows the operating system setting.",
      ("Contrast checked against WCAG AA", "Chart palettes tuned for dark backgrounds",
       "Per-user override in profile settings"), release="lumen-3.5"),
    F("row-level-security", "lumen", "Administration", "Row-level security for shared dashboards",
      BETA, "engineering", "sven", ("security", "enterprise", "customer-request"),
      "Show each viewer only the rows they are entitled to, with rules mapped from user "
      "attributes.",
      ("Rules defined per dataset", "Attributes synced from SSO groups",
       "Audit of which policy applied to whom"), release="lumen-4.0"),
    F("ask-lumen", "lumen", "Dashboards", "Ask Lumen: questions in plain language", BETA,
      "engineering", "aisha", ("ai",),
      "Type a question such as *churn by plan last quarter* and get a chart built on the "
      "governed metrics.",
      ("Answers only from governed metrics", "Shows the generated query for review",
       "Thumbs up/down feed the evaluation set"), release="lumen-4.0", recent=True),
    F("dbt-sync", "lumen", "Data connectors", "dbt semantic layer sync", DEV,
      "engineering", "hannah", ("connectors", "integrations"),
      "Import metric definitions from dbt so Lumen and the warehouse agree on what an "
      "*active customer* is.",
      ("Sync after every dbt Cloud job run", "Conflicts flagged, never overwritten silently",
       "Lineage link back to the dbt model"), release="lumen-4.0"),
    F("scim", "lumen", "Administration", "SCIM user provisioning", DEV,
      "engineering", "sven", ("security", "enterprise"),
      "Create, update and deactivate Lumen users from Okta or Entra ID through SCIM 2.0.",
      ("`/Users` and `/Groups` endpoints", "Deactivation ends sessions within a minute",
       "Provisioning log in the admin area"), release="lumen-4.0"),
    F("embedded-sdk", "lumen", "Dashboards", "Embedded analytics SDK", PLAN,
      "product", "tom", ("sdk", "enterprise"),
      "Let customers embed Lumen dashboards in their own product with signed, scoped tokens.",
      ("JavaScript SDK with theming", "Signed embed tokens carrying row-level filters",
       "Usage metered per embedding customer")),
    F("cohort-retention", "lumen", "Dashboards", "Cohort retention chart", PLAN,
      "design", "elena", ("dashboards", "reporting"),
      "A ready-made cohort triangle for logo and revenue retention, by signup period.",
      ("Weekly and monthly cohorts", "Switch between logo and revenue retention",
       "Export the underlying table"), recent=True),
    F("slack-digests", "lumen", "Alerts", "Slack alert digests", DISC,
      "product", "tom", ("alerts", "integrations"),
      "Bundle alerts into one Slack digest per channel so teams are not paged for every blip.",
      ("Digest schedule per channel", "Acknowledge by replying in the thread",
       "Quiet hours")),
    F("forecasting", "lumen", "Reports & exports", "Forecasting with seasonality", DISC,
      "product", "tom", ("ai", "reporting"),
      "Project a metric forward with weekly and yearly seasonality and show the confidence "
      "band.",
      ("Horizon up to 12 months", "Holiday calendars per region",
       "Backtest accuracy shown next to the chart")),
    F("dashboard-history", "lumen", "Dashboards", "Dashboard version history", IDEA,
      "design", "elena", ("dashboards",),
      "See who changed a dashboard and restore an earlier layout.",
      ("A version per save, kept 90 days", "Side-by-side comparison",
       "Restore as a copy or in place")),
    F("excel-live-link", "lumen", "Reports & exports", "Excel live link", IDEA,
      "product", "tom", ("integrations", "customer-request"),
      "Keep an Excel sheet connected to a Lumen query so finance refreshes instead of "
      "re-exporting.",
      ("Excel add-in for Windows and Mac", "Refresh on open", "Respects row-level security")),
    F("query-cost", "lumen", "Administration", "Cost attribution per query", IDEA,
      "product", "tom", ("enterprise",),
      "Attribute warehouse spend to dashboards and teams so admins see what each chart "
      "costs.",
      ("Cost per query from warehouse billing data", "Monthly report per team",
       "Flag the ten most expensive tiles"), recent=True),
    F("ts-annotations", "lumen", "Dashboards", "Annotations on time series", RET,
      "product", "tom", ("dashboards",),
      "Pin notes to points on a chart. Merged into dashboard comments, which answer the same "
      "need.",
      ("Notes anchored to a date", "Visible to everyone who can see the chart",
       "Shown in PDF exports"), path=(IDEA, DISC, RET)),
    # Fieldline -------------------------------------------------------------------------
    F("offline-work-orders", "fieldline", "Technician app", "Offline work orders", GA,
      "engineering", "diego", ("mobile", "offline"),
      "Technicians open, update and close work orders without signal; changes sync when the "
      "phone reconnects.",
      ("Conflict resolution favours the technician's latest edit",
       "Photos queued and uploaded over Wi-Fi", "Sync status visible on every job"),
      imported=True),
    F("route-optimisation", "fieldline", "Scheduling & dispatch", "Route optimisation for dispatch",
      GA, "engineering", "hannah", ("scheduling", "ai", "customer-request"),
      "Suggest each technician's route for the day from job windows, skills and live traffic.",
      ("Re-plan when a job overruns", "Dispatcher can pin jobs before optimising",
       "Saves 40 minutes of driving per technician per day in the pilot"),
      release="fieldline-2.9"),
    F("signature-capture", "fieldline", "Technician app", "Customer signature capture", GA,
      "engineering", "diego", ("mobile",),
      "Capture the customer's signature on the device to close a job.",
      ("Signature stored with the job report PDF", "Works offline",
       "Name printed under the signature"), imported=True),
    F("photo-annotations", "fieldline", "Technician app", "Photo annotations on job reports", GA,
      "design", "elena", ("mobile", "ux"),
      "Draw arrows and notes on job photos so the next technician sees exactly what was done.",
      ("Arrows, circles and text", "Original photo kept alongside",
       "Annotations included in the customer report"), release="fieldline-2.9"),
    F("erp-parts-sync", "fieldline", "Inventory", "Parts inventory sync with ERP", GA,
      "engineering", "hannah", ("integrations", "enterprise"),
      "Keep van and warehouse stock in step with the customer's ERP (SAP Business One, "
      "NetSuite).",
      ("Two-way sync every 5 minutes", "Parts used on a job decrement van stock",
       "Sync errors listed for the back office"), release="fieldline-3.0"),
    F("skills-matching", "fieldline", "Scheduling & dispatch", "Technician skills matching", GA,
      "product", "priya", ("scheduling",),
      "Only offer a job to technicians certified for the equipment and the work type.",
      ("Certifications with expiry dates", "Dispatch warns before assigning an unqualified "
       "technician", "Skills imported from HR via CSV"), release="fieldline-3.0"),
    F("android-8", "fieldline", "Technician app", "Android 8 support", DEP,
      "engineering", "diego", ("mobile", "tech-debt"),
      "Keep the app running on Android 8 devices. Deprecated: under 2% of active technicians, "
      "and the OS no longer receives security updates.",
      ("In-app notice to affected technicians", "Device report for fleet managers",
       "Support ends with the 3.2 release"), imported=True),
    F("sms-arrival", "fieldline", "Customer portal", "SMS arrival notifications", BETA,
      "product", "priya", ("notifications", "customer-request"),
      "Text customers when the technician is on the way, with a live ETA link.",
      ("Opt-out honoured per customer", "ETA updated from the technician's location",
       "Message templates per brand"), release="fieldline-3.0"),
    F("self-scheduling", "fieldline", "Customer portal", "Customer self-scheduling portal", BETA,
      "product", "priya", ("portal",),
      "Let end customers pick an appointment slot that dispatch has opened for them.",
      ("Slots generated from technician capacity", "Reschedule up to 24 h before",
       "Calendar invite sent on booking"), recent=True),
    F("live-tracking", "fieldline", "Scheduling & dispatch", "Live technician tracking map", DEV,
      "engineering", "diego", ("scheduling", "mobile"),
      "A live map of every technician for dispatchers, updated every 30 seconds.",
      ("Location only shared during working hours", "Battery impact under 3% per shift",
       "Filters by skill and region"), release="fieldline-3.1"),
    F("preventive-maintenance", "fieldline", "Work orders", "Preventive maintenance plans", DEV,
      "engineering", "hannah", ("enterprise",),
      "Turn maintenance contracts into recurring work orders generated ahead of time.",
      ("Plans by calendar or by meter reading", "Work orders created 14 days ahead",
       "Contract coverage shown on the job"), release="fieldline-3.1"),
    F("barcode-scanning", "fieldline", "Inventory", "Barcode scanning for parts", PLAN,
      "engineering", "diego", ("mobile", "quick-win"),
      "Scan a part's barcode to add it to the job instead of searching the catalogue.",
      ("EAN-13 and QR codes", "Works offline against the van's stock list",
       "Unknown codes reported to the back office"), release="fieldline-3.1"),
    F("voice-notes", "fieldline", "Technician app", "Voice notes with transcription", PLAN,
      "design", "elena", ("mobile", "ai"),
      "Dictate job notes hands-free; the text is transcribed on the device.",
      ("On-device transcription, no audio leaves the phone", "English, French and German",
       "Edit the transcript before saving")),
    F("multi-day-jobs", "fieldline", "Work orders", "Multi-day jobs", PLAN,
      "product", "priya", ("customer-request",),
      "Plan installations that span several days and several technicians as one job.",
      ("One job, several visits", "Progress carried from visit to visit",
       "Single report to the customer at the end")),
    F("watch-companion", "fieldline", "Technician app", "Apple Watch companion", DISC,
      "design", "elena", ("mobile",),
      "Glanceable next job, navigation and timers on the wrist.",
      ("Next job and directions", "Start/stop job timer", "Haptic alert for schedule changes")),
    F("payroll-export", "fieldline", "Work orders", "Timesheet export to payroll", DISC,
      "product", "priya", ("integrations",),
      "Export approved technician timesheets to payroll providers.",
      ("CSV plus direct export to two providers", "Overtime rules per country",
       "Approval by the team lead first"), recent=True),
    F("ar-repairs", "fieldline", "Technician app", "AR-guided repairs", IDEA,
      "product", "priya", ("ai", "mobile"),
      "Overlay repair steps on the equipment through the phone's camera.",
      ("Step-by-step overlays from the manufacturer's manuals", "Remote expert can draw live",
       "Works on recent iPhones and Pixels")),
    F("fuel-tracking", "fieldline", "Scheduling & dispatch", "Fleet fuel tracking", IDEA,
      "operations", "grace", ("fleet",),
      "Record fuel purchases per van and report cost per job.",
      ("Fuel card import", "Cost per kilometre per van", "Anomalies flagged monthly")),
    F("paper-checklists", "fieldline", "Work orders", "Paper checklist import", RET,
      "product", "priya", ("onboarding",),
      "Scan paper checklists into digital forms. Dropped: customers moved to the form builder "
      "faster than expected.",
      ("OCR of printed checklists", "Review before publishing", "Bulk import"),
      path=(IDEA, RET)),
    F("van-stock", "fieldline", "Inventory", "Van stock replenishment suggestions", IDEA,
      "product", "priya", ("ai",),
      "Suggest what each van should carry tomorrow from the jobs it is booked for.",
      ("Based on the next 3 days of jobs", "Pick list for the warehouse",
       "Learns from parts actually used"), recent=True),
    # Relay API -------------------------------------------------------------------------
    F("api-keys", "relay", "Developer portal", "API key management", GA,
      "engineering", "hannah", ("security",),
      "Create, scope, rotate and revoke API keys from the developer portal.",
      ("Scopes per key", "Rotation with an overlap window", "Last-used date per key"),
      imported=True),
    F("webhooks-retries", "relay", "Webhooks", "Webhooks with automatic retries", GA,
      "engineering", "hannah", ("webhooks",),
      "Signed webhook deliveries, retried with exponential backoff for 24 hours.",
      ("HMAC-SHA256 signatures", "Delivery log with response bodies",
       "Manual redelivery from the portal"), imported=True),
    F("usage-meters", "relay", "Billing & metering", "Usage-based billing meters", GA,
      "engineering", "sven", ("billing",),
      "Meter API calls per key and per endpoint and bill partners on usage.",
      ("Meters per endpoint family", "Daily usage export to billing",
       "Usage dashboard for partners"), release="relay-5.2"),
    F("rate-limits", "relay", "Gateway", "Per-key rate limiting", GA,
      "engineering", "aisha", ("security", "performance"),
      "Limit each key's request rate with clear `429` responses and headers.",
      ("Limits per plan, overrides per key", "`RateLimit-*` headers on every response",
       "Burst allowance for batch jobs"), release="relay-5.2"),
    F("typescript-sdk", "relay", "SDKs", "TypeScript SDK", GA,
      "engineering", "aisha", ("sdk",),
      "A typed SDK generated from the OpenAPI document, for Node and the browser.",
      ("Generated on every API release", "Retries and pagination helpers",
       "Published to npm with provenance"), release="relay-5.2"),
    F("api-v1", "relay", "Gateway", "API v1 endpoints", DEP,
      "engineering", "sven", ("tech-debt",),
      "The original v1 endpoints. Deprecated in favour of v2; partners were given 12 months' "
      "notice of the sunset date.",
      ("`Sunset` and `Deprecation` headers on v1 responses", "Migration guide per endpoint",
       "Monthly report of partners still on v1"), imported=True),
    F("xml-responses", "relay", "Gateway", "XML response format", RET,
      "engineering", "sven", ("tech-debt",),
      "XML responses for legacy integrations. Retired after the last two partners moved to "
      "JSON.",
      ("Partners contacted individually", "`Accept: application/xml` returns 406",
       "Serializer code removed"), imported=True, path=(GA, DEP, RET)),
    F("graphql-gateway", "relay", "Gateway", "GraphQL gateway", RET,
      "engineering", "aisha", ("graphql",),
      "A GraphQL layer over the REST API. Retired with the cancellation of 5.3: partners "
      "asked for better REST SDKs instead.",
      ("Schema generated from the OpenAPI document", "Query cost limits",
       "Persisted queries"), release="relay-5.3", path=(IDEA, DISC, PLAN, DEV, RET)),
    F("schema-registry", "relay", "Developer portal", "Federated schema registry", PLAN,
      "product", "lucas", ("graphql", "developer-experience"),
      "One registry of every API schema and event payload, versioned and diffable. Moved back "
      "to planned when 5.3 was cancelled; still needed for the event catalog.",
      ("Versioned schemas with breaking-change checks", "Used by SDK generation",
       "Public and partner-only schemas"), release="relay-5.3",
      path=(IDEA, PLAN, DEV, PLAN)),
    F("request-replay", "relay", "Developer portal", "Request replay in the developer portal",
      BETA, "engineering", "hannah", ("developer-experience",),
      "Replay any logged request from the portal, optionally against the sandbox.",
      ("Secrets redacted in the log", "Edit the request before replaying",
       "Shareable link for support tickets")),
    F("mock-servers", "relay", "Developer portal", "OpenAPI mock servers", BETA,
      "product", "lucas", ("developer-experience",),
      "A hosted mock of every endpoint, generated from the OpenAPI examples.",
      ("One mock per API version", "Examples validated against the schema",
       "Latency and error injection")),
    F("go-sdk", "relay", "SDKs", "Go SDK", DEV,
      "engineering", "aisha", ("sdk",),
      "An idiomatic Go client generated from the OpenAPI document.",
      ("Context-aware calls", "Pagination iterators", "Semantic versioning aligned with the API"),
      recent=True),
    F("mtls", "relay", "Gateway", "mTLS client authentication", DEV,
      "engineering", "sven", ("security", "enterprise"),
      "Let enterprise partners authenticate with client certificates as well as keys.",
      ("Certificates uploaded per key", "Expiry reminders 30 days ahead",
       "Works alongside key authentication")),
    F("event-catalog", "relay", "Webhooks", "Webhook event catalog", DEV,
      "product", "lucas", ("webhooks", "developer-experience"),
      "A browsable catalog of every webhook event with its payload schema and examples.",
      ("Generated from the schema registry", "Subscribe from the catalog page",
       "Changelog per event type")),
    F("siem-streaming", "relay", "Gateway", "Audit log streaming to SIEM", PLAN,
      "engineering", "sven", ("security", "compliance", "enterprise"),
      "Stream the API audit log to Splunk, Datadog or any HTTPS endpoint.",
      ("Near real-time delivery", "Filtered by event type", "Delivery health in the portal")),
    F("eu-residency", "relay", "Gateway", "EU data residency", PLAN,
      "operations", "sven", ("compliance", "enterprise", "customer-request"),
      "Keep EU customers' API data and logs in the EU region.",
      ("Region chosen per organisation", "Logs and backups stay in region",
       "Documented for procurement questionnaires")),
    F("explorer-v2", "relay", "Developer portal", "Interactive API explorer v2", DISC,
      "design", "elena", ("developer-experience", "ux"),
      "A faster explorer with saved requests, environments and code snippets in five "
      "languages.",
      ("Saved requests per developer", "Environment variables", "Snippets for cURL, TS, Go, "
       "Python and Java")),
    F("usage-anomalies", "relay", "Billing & metering", "Usage anomaly notifications", DISC,
      "product", "lucas", ("billing", "notifications"),
      "Warn partners when their usage spikes before it shows up on the invoice.",
      ("Threshold or learned baseline", "E-mail and webhook notifications",
       "Spend cap option")),
    F("terraform", "relay", "SDKs", "Terraform provider", IDEA,
      "product", "lucas", ("integrations", "sdk"),
      "Manage keys, webhooks and limits as code.",
      ("Keys, webhooks and rate limits as resources", "Import existing objects",
       "Published to the Terraform registry")),
    F("sandboxes", "relay", "Developer portal", "Sandbox environments per key", IDEA,
      "product", "lucas", ("developer-experience",),
      "Give every key its own sandbox with seeded test data.",
      ("Reset on demand", "Seed data per product", "Isolated from production rate limits")),
]  # fmt: skip

CUSTOMERS = [
    ("Acme Logistics", "Enterprise"), ("Northbeam Health", "Enterprise"),
    ("Bluefin Retail", "Mid-market"), ("Copperleaf Energy", "Enterprise"),
    ("Harbor & Vine", "SMB"), ("Quantix Bank", "Enterprise"), ("Solace Telecom", "Mid-market"),
    ("Pinecrest Utilities", "Mid-market"), ("Meridian Foods", "SMB"),
    ("Atlas HVAC Services", "Mid-market"),
]  # fmt: skip

OPEN_QUESTIONS = [
    "Which plans include it, and is it an add-on for Enterprise?",
    "Do admins need a switch to turn it off per workspace?",
    "What does support need before the beta?",
    "Can we reuse the existing permissions model, or does it need its own?",
    "How do we measure success after launch?",
    "What is the smallest version worth shipping?",
]

CANCELLATION_NOTE = (
    "### Why 5.3 was cancelled\n\n"
    "Partner interviews (14 teams) showed the GraphQL gateway solved a problem few of them "
    "have: most asked for **better REST SDKs and an event catalog** instead.\n\n"
    "- GraphQL gateway: retired\n"
    "- Federated schema registry: back to planned, needed by the webhook event catalog\n"
    "- The team moves to the Go SDK and mTLS"
)

PLANNING_NOTE = (
    "### Scope and risks\n\n"
    "| Item | Risk | Mitigation |\n|---|---|---|\n"
    "| Live tracking | battery drain on older Android devices | field test with 20 "
    "technicians |\n"
    "| Preventive maintenance | contract data quality | import validation report |\n"
    "| Barcode scanning | low-light scanning | torch toggle in the scanner |\n"
)
