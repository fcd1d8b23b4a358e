"""The dashboards' charts as plain data for ``static/js/dashboard.js``: labels in the reader's
language, one colour per series from a palette readable by colour-blind readers (Okabe-Ito).
The page writes each into a ``<script type="application/json">`` block (no inline script);
each chart has its table beside it, which is what screen readers and the printout rely on."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from flask_babel import gettext as _

from app.appraisal.labels import GRADE_LABELS
from app.appraisal.labels import STATUS_LABELS as STEP_LABELS
from app.cases.labels import STATUS_LABELS as CASE_STATE_LABELS
from app.reports import dashboard_appraisal as appraisal
from app.reports import dashboard_cases as cases
from app.reports.dashboard_rates import RatesPanel
from app.reports.labels import RATE_NAMES
from app.reports.periods import QUARTER, Period
from app.volunteers.labels import CATEGORY_LABELS

BLUE, ORANGE, GREEN, SKY, VERMILLION, PURPLE, GREY, YELLOW = (
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#56B4E9",
    "#D55E00",
    "#CC79A7",
    "#8C8C8C",
    "#F0E442",
)
STEP_COLOURS = {
    "draft": GREY,
    "submitted": ORANGE,
    "signed": SKY,
    "assessed": GREEN,
    "closed": BLUE,
}
GRADE_COLOURS = {
    "excellent": GREEN,
    "qualified": BLUE,
    "basically_qualified": ORANGE,
    "unqualified": VERMILLION,
    appraisal.UNGRADED: GREY,
}
BUCKET_COLOURS = {cases.IN_HAND: ORANGE, cases.COMPLETED: GREEN, cases.NOT_HANDLED: GREY}
RATE_COLOURS = [BLUE, ORANGE, GREEN, VERMILLION, PURPLE, SKY]


def bucket_labels() -> dict[str, str]:
    return {
        cases.IN_HAND: _("In hand"),
        cases.COMPLETED: _("Completed"),
        cases.NOT_HANDLED: _("Refused or withdrawn"),
    }


def grade_labels() -> dict[str, str]:
    out = {k: str(v) for k, v in GRADE_LABELS.items()}
    out[appraisal.UNGRADED] = _("Not graded yet")
    return out


@dataclass
class Dataset:
    label: str
    data: list[float | int | None]
    color: str


@dataclass
class Chart:
    """One chart: ``kind`` "bar" or "line"; ``stacked`` bars; ``horizontal`` bars (one row per
    label, for long names); ``percent``: a 0-100 axis."""

    id: str
    title: str
    kind: str
    labels: list[str]
    datasets: list[Dataset] = field(default_factory=list)
    stacked: bool = False
    horizontal: bool = False
    percent: bool = False

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def is_empty(self) -> bool:
        """Nothing to draw: no value at all (a rate of 0 % is a value; a count of 0 is not)."""
        values = [v for d in self.datasets for v in d.data if v is not None]
        return not self.labels or not values or (not self.percent and not any(values))


def progress_chart(progress: appraisal.Progress) -> Chart:
    """Records per organisation one level below the dashboard's, stacked by step."""
    chart = Chart(
        "chart-progress",
        _("Appraisal progress by organisation"),
        "bar",
        [r.org.name for r in progress.rows],
        stacked=True,
        horizontal=True,
    )
    for step in appraisal.STEPS:
        data = [r.steps.counts.get(step, 0) for r in progress.rows]
        chart.datasets.append(Dataset(str(STEP_LABELS[step]), data, STEP_COLOURS[step]))
    return chart


def grades_chart(quarters: list[appraisal.QuarterFigures], labels: list[str]) -> Chart:
    """Records per quarter, stacked by grade."""
    chart = Chart("chart-grades", _("Grades by quarter"), "bar", labels, stacked=True)
    for grade, name in grade_labels().items():
        data = [q.grades.get(grade, 0) for q in quarters]
        chart.datasets.append(Dataset(name, data, GRADE_COLOURS[grade]))
    return chart


def checks_chart(quarters: list[appraisal.QuarterFigures], labels: list[str]) -> Chart:
    """Vetoes and spot checks per quarter."""
    chart = Chart("chart-checks", _("Vetoes and spot checks"), "bar", labels)
    chart.datasets = [
        Dataset(_("Vetoed"), [q.vetoed for q in quarters], VERMILLION),
        Dataset(_("Sampled"), [q.sampled for q in quarters], BLUE),
        Dataset(_("Grade adjusted"), [q.spot.get("adjusted", 0) for q in quarters], ORANGE),
    ]
    return chart


def rates_chart(panel: RatesPanel, labels: list[str]) -> Chart:
    """Each of the six rates over the quarters, in percent (gaps where undefined)."""
    chart = Chart("chart-rates", _("The six rates by quarter"), "line", labels, percent=True)
    for row, colour in zip(panel.rows, RATE_COLOURS, strict=True):
        data = [None if r.percent is None else round(r.percent, 1) for r in row.values]
        chart.datasets.append(Dataset(str(RATE_NAMES[row.code]), data, colour))
    return chart


def categories_chart(figures: cases.CaseFigures) -> Chart:
    """Cases per item category, stacked by in hand / completed / not handled."""
    cats = sorted(figures.by_category, key=lambda c: -figures.by_category[c].total)
    chart = Chart(
        "chart-categories",
        _("Cases by category"),
        "bar",
        [str(CATEGORY_LABELS.get(c, c)) for c in cats],
        stacked=True,
        horizontal=True,
    )
    for bucket, name in bucket_labels().items():
        data = [figures.by_category[c].counts.get(bucket, 0) for c in cats]
        chart.datasets.append(Dataset(name, data, BUCKET_COLOURS[bucket]))
    return chart


def states_chart(figures: cases.CaseFigures) -> Chart:
    states = [s for s in cases.STATES if figures.by_state.get(s)]
    chart = Chart(
        "chart-states",
        _("Cases by state"),
        "bar",
        [str(CASE_STATE_LABELS[s]) for s in states],
        horizontal=True,
    )
    chart.datasets = [Dataset(_("Cases"), [figures.by_state[s] for s in states], BLUE)]
    return chart


def load_chart(agents: list[cases.AgentLoad]) -> Chart:
    """Open cases per agent (the busiest), overdue ones apart."""
    chart = Chart(
        "chart-load",
        _("Open cases per agent"),
        "bar",
        [a.name for a in agents],
        stacked=True,
        horizontal=True,
    )
    chart.datasets = [
        Dataset(_("Overdue"), [a.overdue for a in agents], VERMILLION),
        Dataset(_("On time"), [a.open - a.overdue for a in agents], SKY),
    ]
    return chart


def _case_charts(panels) -> dict[str, Chart]:
    labels = [p.label for p in panels.rates.periods]
    return {
        "rates": rates_chart(panels.rates, labels),
        "categories": categories_chart(panels.figures),
        "states": states_chart(panels.figures),
        "load": load_chart(panels.busiest),
    }


def quarter_label(year: int, quarter: int) -> str:
    return Period(QUARTER, year, quarter).label


def for_org_appraisal(d) -> dict[str, Chart]:
    """The appraisal charts of an org's dashboard (``dashboard.OrgDashboard``), by name."""
    labels = [quarter_label(q.year, q.quarter) for q in d.quarters]
    return {
        "progress": progress_chart(d.progress),
        "grades": grades_chart(d.quarters, labels),
        "checks": checks_chart(d.quarters, labels),
    }


def for_cases(d) -> dict[str, Chart]:
    """The case charts of either dashboard (an org's or a service point's), by name."""
    return _case_charts(d.panels)
