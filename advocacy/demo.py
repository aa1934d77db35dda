"""Demo and scale data: the core seeding helpers behind ``manage.py seed_demo`` and
``manage.py seed_scale`` (and the benchmark harness).

Extending the demo: any installed project app may add a ``<app>/demo.py`` with::

    def seed(*, organization: Organization, members: DemoMembers) -> None: ...

``seed_demo`` calls it once per demo organization, after the core (organizations,
departments, members, invitations) exists, in ``INSTALLED_APPS`` order. It must be
idempotent like the core: running ``seed_demo`` twice changes nothing.
"""

from __future__ import annotations

import importlib
import importlib.util
import secrets
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress
from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from .models import Department, Invitation, Membership, Organization, Role, User, token_hash
from .services.organizations import organization_create

#: The one password of every demo and scale user. It passes Django's password
#: validators, so it is also what a user could choose through the forms.
DEMO_PASSWORD = "chorus-demo"  # noqa: S105 - public by design, printed for the demo


# --- The demo organizations -----------------------------------------------------


@dataclass(frozen=True)
class DemoPerson:
    name: str
    email: str
    role: str
    department: str
    job_title: str
    location: str
    language: str


@dataclass(frozen=True)
class DemoOrganization:
    slug: str
    name: str
    default_language: str
    time_zone: str
    departments: tuple[str, ...]
    people: tuple[DemoPerson, ...]
    invitations: tuple[tuple[str, str, str], ...]  # (e-mail, role, department)
    external_id_prefix: str


def _people(
    domain: str, language: str, rows: list[tuple[str, str, str, str, str]]
) -> tuple[DemoPerson, ...]:
    """Rows of (name, e-mail local part, role, department, job title); locations rotate."""
    locations = {
        "lt": ("Vilnius", "Kaunas", "Klaipėda"),
        "en": ("London", "Manchester", "Edinburgh"),
    }[language]
    return tuple(
        DemoPerson(
            name=name,
            email=f"{local}@{domain}",
            role=role,
            department=dept,
            job_title=title,
            location=locations[i % len(locations)],
            language=language,
        )
        for i, (name, local, role, dept, title) in enumerate(rows)
    )


_A, _M, _H, _E = Role.ADMIN, Role.MANAGER, Role.HR, Role.EMPLOYEE

BALTIJOS_PIENAS = DemoOrganization(
    slug="baltijos-pienas",
    name="Baltijos Pienas",
    default_language="lt",
    time_zone="Europe/Vilnius",
    departments=("Rinkodara", "Pardavimai", "Personalas", "Gamyba", "IT"),
    people=_people(
        "baltijos-pienas.example",
        "lt",
        [
            ("Ona Kazlauskienė", "ona.kazlauskiene", _A, "IT", "IT vadovė"),
            ("Rūta Jankauskaitė", "ruta.jankauskaite", _M, "Rinkodara", "Komunikacijos vadovė"),
            ("Tomas Stankevičius", "tomas.stankevicius", _M, "Rinkodara", "Prekės ženklo vadovas"),
            ("Giedrė Vaitkutė", "giedre.vaitkute", _H, "Personalas", "Personalo vadovė"),
            ("Mantas Žukauskas", "mantas.zukauskas", _E, "Rinkodara", "Turinio kūrėjas"),
            ("Laura Paulauskienė", "laura.paulauskiene", _E, "Rinkodara", "Dizainerė"),
            ("Darius Urbonas", "darius.urbonas", _E, "Pardavimai", "Pardavimų vadybininkas"),
            ("Eglė Butkutė", "egle.butkute", _E, "Pardavimai", "Klientų vadybininkė"),
            ("Lukas Kavaliauskas", "lukas.kavaliauskas", _E, "Pardavimai", "Eksporto vadybininkas"),
            ("Ieva Balčiūnaitė", "ieva.balciunaite", _E, "Personalas", "Atrankos specialistė"),
            ("Andrius Navickas", "andrius.navickas", _E, "Personalas", "Mokymų koordinatorius"),
            ("Indrė Pocienė", "indre.pociene", _E, "Gamyba", "Kokybės inžinierė"),
            ("Paulius Rimkus", "paulius.rimkus", _E, "Gamyba", "Pamainos meistras"),
            ("Austėja Sabaliauskaitė", "austeja.sabaliauskaite", _E, "Gamyba", "Technologė"),
            ("Karolis Vasiliauskas", "karolis.vasiliauskas", _E, "IT", "Programuotojas"),
            ("Gabija Mockutė", "gabija.mockute", _E, "IT", "Duomenų analitikė"),
            ("Vytautas Šimkus", "vytautas.simkus", _E, "IT", "Sistemų administratorius"),
        ],
    ),
    invitations=(
        ("simona.lukosiute@baltijos-pienas.example", _E, "Pardavimai"),
        ("mindaugas.jankunas@baltijos-pienas.example", _M, "Rinkodara"),
    ),
    external_id_prefix="BP",
)

NORTHWIND = DemoOrganization(
    slug="northwind",
    name="Northwind Labs",
    default_language="en",
    time_zone="Europe/London",
    departments=("Marketing", "Sales", "HR", "Engineering", "Customer Success"),
    people=_people(
        "northwind.example",
        "en",
        [
            ("Alice Thompson", "alice.thompson", _A, "Engineering", "Head of Operations"),
            ("Ben Carter", "ben.carter", _M, "Marketing", "Communications Manager"),
            ("Chloe Patel", "chloe.patel", _H, "HR", "People Partner"),
            ("Daniel Hughes", "daniel.hughes", _E, "Marketing", "Content Writer"),
            ("Emily Walsh", "emily.walsh", _E, "Marketing", "Social Media Specialist"),
            ("Farah Khan", "farah.khan", _E, "Sales", "Account Executive"),
            ("George Mitchell", "george.mitchell", _E, "Sales", "Sales Development Rep"),
            ("Hannah O'Neill", "hannah.oneill", _E, "Sales", "Regional Sales Lead"),
            ("Isaac Morgan", "isaac.morgan", _E, "HR", "Recruiter"),
            ("Jasmine Clarke", "jasmine.clarke", _E, "HR", "Learning Coordinator"),
            ("Kieran Doyle", "kieran.doyle", _E, "Engineering", "Backend Engineer"),
            ("Laura Bennett", "laura.bennett", _E, "Engineering", "Product Designer"),
            ("Mohammed Ali", "mohammed.ali", _E, "Engineering", "Site Reliability Engineer"),
            (
                "Nora Fitzgerald",
                "nora.fitzgerald",
                _E,
                "Customer Success",
                "Customer Success Manager",
            ),
            ("Oliver Grant", "oliver.grant", _E, "Customer Success", "Support Engineer"),
            ("Priya Shah", "priya.shah", _E, "Customer Success", "Onboarding Specialist"),
        ],
    ),
    invitations=(
        ("quinn.harper@northwind.example", _E, "Engineering"),
        ("rachel.young@northwind.example", _M, "Marketing"),
    ),
    external_id_prefix="NW",
)

#: Someone in both organizations (an agency consultant), to show the organization switcher.
SHARED_PERSON_EMAIL = "sofia.lind@lind-consulting.example"
SHARED_PERSON_NAME = "Sofia Lind"
SHARED_MEMBERSHIPS = {
    "northwind": (Role.MANAGER, "Marketing", "Agency Partner"),
    "baltijos-pienas": (Role.EMPLOYEE, "Rinkodara", "Agentūros konsultantė"),
}

DEMO_ORGANIZATIONS = (BALTIJOS_PIENAS, NORTHWIND)


@dataclass
class DemoMembers:
    """The members of one demo organization, as later apps' ``seed()`` receives them."""

    memberships: list[Membership] = field(default_factory=list)

    def __iter__(self) -> Iterator[Membership]:
        return iter(self.memberships)

    def __len__(self) -> int:
        return len(self.memberships)

    def of_role(self, role: str) -> list[Membership]:
        return [m for m in self.memberships if m.role == role]

    @property
    def admin(self) -> Membership:
        return self.of_role(Role.ADMIN)[0]

    @property
    def manager(self) -> Membership:
        return self.of_role(Role.MANAGER)[0]

    @property
    def hr(self) -> Membership:
        return self.of_role(Role.HR)[0]

    @property
    def employees(self) -> list[Membership]:
        return self.of_role(Role.EMPLOYEE)


@dataclass(frozen=True)
class Login:
    organization: str
    role: str
    email: str
    url: str


@dataclass
class DemoResult:
    organizations: dict[str, tuple[Organization, DemoMembers]]
    logins: list[Login]
    created: int  # rows created by the core in this run (0 on a re-run)


# --- Idempotent building blocks -------------------------------------------------


def demo_user_ensure(*, email: str, name: str, language: str, password_hash: str) -> User:
    """The user with ``email``, created with a verified primary address if missing.

    An existing user is left as it is: a re-run does not reset a changed password.
    """
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User(email=email, name=name, language=language, password=password_hash)
        user.save()
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def demo_organization_ensure(spec: DemoOrganization, *, creator: User) -> Organization:
    org = Organization.objects.filter(slug=spec.slug).first()
    if org is None:
        # Through the service, like a real sign-up: the creator becomes the first admin
        # and the audit log records it.
        org = organization_create(
            creator=creator,
            name=spec.name,
            slug=spec.slug,
            default_language=spec.default_language,
            time_zone=spec.time_zone,
        )
    return org


def demo_membership_ensure(
    *,
    organization: Organization,
    user: User,
    role: str,
    department: Department | None,
    job_title: str,
    location: str,
    external_id: str,
) -> Membership:
    taken = (
        Membership.objects.for_org(organization)
        .filter(external_id=external_id)
        .exclude(user=user)
        .exists()
    )
    if taken:  # someone edited the demo: keep their data, leave this employee ID empty
        external_id = ""
    membership, created = Membership.objects.get_or_create(
        organization=organization,
        user=user,
        defaults={
            "role": role,
            "department": department,
            "job_title": job_title,
            "location": location,
            "external_id": external_id,
        },
    )
    if not created and not membership.job_title and not membership.external_id:
        # The creator's membership made by organization_create(): complete its profile once.
        membership.department = department
        membership.job_title = job_title
        membership.location = location
        membership.external_id = external_id
        membership.save(update_fields=["department", "job_title", "location", "external_id"])
    return membership


def demo_invitation_ensure(
    *,
    organization: Organization,
    email: str,
    role: str,
    department: Department | None,
    invited_by: User,
) -> Invitation | None:
    """A pending invitation for ``email``, unless one is pending already or it was accepted."""
    now = timezone.now()
    existing = Invitation.objects.for_org(organization).filter(email=email, revoked_at__isnull=True)
    if existing.filter(accepted_at__isnull=False).exists():
        return None
    if existing.filter(expires_at__gt=now).exists():
        return None
    return Invitation.objects.create(
        organization=organization,
        email=email,
        role=role,
        department=department,
        # Only the digest is stored; the demo's invitations are there to be seen in the list.
        token_hash=token_hash(secrets.token_urlsafe(32)),
        invited_by=invited_by,
        expires_at=now + timedelta(days=settings.INVITATION_TTL_DAYS),
    )


def _count_rows() -> int:
    return (
        User.objects.count()
        + Organization.objects.count()
        + Department.objects.count()
        + Membership.objects.count()
        + Invitation.objects.count()
        + EmailAddress.objects.count()
    )


@transaction.atomic
def demo_core_seed(*, site_url: str) -> DemoResult:
    """The two demo organizations with their departments, members and invitations."""
    before = _count_rows()
    password_hash = make_password(DEMO_PASSWORD)
    organizations: dict[str, tuple[Organization, DemoMembers]] = {}
    logins: list[Login] = []
    shared = demo_user_ensure(
        email=SHARED_PERSON_EMAIL,
        name=SHARED_PERSON_NAME,
        language="en",
        password_hash=password_hash,
    )
    for spec in DEMO_ORGANIZATIONS:
        users = [
            demo_user_ensure(
                email=p.email, name=p.name, language=p.language, password_hash=password_hash
            )
            for p in spec.people
        ]
        org = demo_organization_ensure(spec, creator=users[0])
        departments = {}
        for name in spec.departments:
            departments[name], _ = Department.objects.get_or_create(organization=org, name=name)
        members = DemoMembers()
        for n, (person, user) in enumerate(zip(spec.people, users, strict=True), start=1):
            members.memberships.append(
                demo_membership_ensure(
                    organization=org,
                    user=user,
                    role=person.role,
                    department=departments[person.department],
                    job_title=person.job_title,
                    location=person.location,
                    external_id=f"{spec.external_id_prefix}-{n:04d}",
                )
            )
        role, dept, title = SHARED_MEMBERSHIPS[spec.slug]
        members.memberships.append(
            demo_membership_ensure(
                organization=org,
                user=shared,
                role=role,
                department=departments[dept],
                job_title=title,
                location="",
                external_id=f"{spec.external_id_prefix}-{len(spec.people) + 1:04d}",
            )
        )
        for email, inv_role, inv_dept in spec.invitations:
            demo_invitation_ensure(
                organization=org,
                email=email,
                role=inv_role,
                department=departments[inv_dept],
                invited_by=members.admin.user,
            )
        organizations[spec.slug] = (org, members)
        url = f"{site_url.rstrip('/')}/o/{org.slug}/"
        for role_value in (Role.ADMIN, Role.MANAGER, Role.HR, Role.EMPLOYEE):
            first = next(m for m in members if m.role == role_value and m.user_id != shared.pk)
            logins.append(Login(org.name, str(Role(role_value).label), first.user.email, url))
    logins.append(
        Login(
            " + ".join(org.name for org, _ in organizations.values()),
            "manager / employee",
            shared.email,
            f"{site_url.rstrip('/')}/",
        )
    )
    return DemoResult(organizations=organizations, logins=logins, created=_count_rows() - before)


def project_app_modules(module: str) -> list[tuple[str, Any]]:
    """``<app>.<module>`` of every installed project app that has one (label, module).

    Project apps are the ones whose code lives in this repository, not in site-packages.
    """
    base = Path(settings.BASE_DIR).resolve()
    found = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if base not in path.parents or ".venv" in path.parts or "site-packages" in path.parts:
            continue
        name = f"{config.name}.{module}"
        if importlib.util.find_spec(name) is None:
            continue
        found.append((config.label, importlib.import_module(name)))
    return found


def demo_app_seeders() -> list[tuple[str, Callable[..., Any]]]:
    return [
        (label, mod.seed)
        for label, mod in project_app_modules("demo")
        if callable(getattr(mod, "seed", None))
    ]


@transaction.atomic
def demo_seed(*, site_url: str, with_apps: bool = True) -> DemoResult:
    """The core demo, then (unless ``with_apps`` is off) every app's ``demo.seed()`` for
    each demo organization."""
    result = demo_core_seed(site_url=site_url)
    for _label, seed in demo_app_seeders() if with_apps else []:
        for org, members in result.organizations.values():
            seed(organization=org, members=members)
    return result


# --- The scale tenant -----------------------------------------------------------

_FIRST_NAMES = (  # noqa: SIM905 - a word list reads better as prose
    "Aaron Abigail Adam Adele Aidan Aino Akira Alba Aleksandra Amara Amir Ana Andrius Anja "
    "Arjun Astrid Aurora Bianca Bjorn Carmen Chen Clara Dalia Daria Diego Dominika Eitan "
    "Elif Elena Emil Esra Fatima Felix Freya Gabriel Greta Hana Hugo Ines Ingrid Ivan "
    "Jakub Jonas Julia Kai Karin Kofi Lars Leila Lena Liam Lucia Maja Marek Mateo Mei "
    "Milan Mira Nadia Nikolai Noor Olga Omar Petra Rafael Rasa Ravi Rosa Sami Sara Sven "
    "Tariq Teodor Uma Viktor Wanda Yara Yusuf Zofia Zuzana"
).split()
_LAST_NAMES = (  # noqa: SIM905
    "Abbott Achterberg Adeyemi Albrecht Almeida Andersen Arslan Bakker Balodis Barros "
    "Becker Bergstrom Bianchi Blazek Bogdan Brennan Brodsky Caruso Castillo Chowdhury "
    "Costa Dabrowski Dalton Deschamps Dimitrov Dubois Eklund Engel Esposito Falk Ferreira "
    "Fischer Fontaine Gallagher Garcia Gruber Haddad Halvorsen Hartmann Horvath Ibrahim "
    "Ivanova Jansen Jensen Kaminski Karlsson Kask Keller Kovacs Kowalczyk Krause Laine "
    "Larsen Lehmann Lindqvist Lopez Lucas Madsen Marino Meyer Molnar Moreau Nagy Nielsen "
    "Novak Nowak Okafor Olsen Ozturk Pajari Pereira Petrov Popescu Quinn Ramos Reyes "
    "Rossi Ruiz Saar Santos Schmidt Silva Sokolov Tamm Tanaka Ulrich Varga Vogel Wagner "
    "Weber Wojcik Yilmaz Zeller Zielinski"
).split()
_SCALE_TITLES = (
    "Specialist",
    "Senior Specialist",
    "Analyst",
    "Engineer",
    "Consultant",
    "Coordinator",
    "Associate",
    "Team Lead",
)
_SCALE_LOCATIONS = ("Vilnius", "Riga", "Tallinn", "London", "Berlin", "Warsaw", "Remote")


def scale_member_name(n: int) -> str:
    """Deterministic names: each full name recurs about every 7,500 members, so a search for
    one matches a handful in a 50,000-member tenant."""
    first = _FIRST_NAMES[n % len(_FIRST_NAMES)]
    last = _LAST_NAMES[(n // len(_FIRST_NAMES)) % len(_LAST_NAMES)]
    return f"{first} {last}"


def scale_member_role(n: int) -> str:
    if n % 500 == 0:
        return Role.ADMIN
    if n % 100 == 0:
        return Role.HR
    if n % 20 == 0:
        return Role.MANAGER
    return Role.EMPLOYEE


def scale_admin_email(slug: str) -> str:
    return f"admin@{slug}.example"


@dataclass
class ScaleResult:
    organization: Organization
    admin: User
    created: int
    total: int
    seconds: float


def _batches(start: int, stop: int, size: int) -> Iterator[range]:
    for lo in range(start, stop, size):
        yield range(lo, min(lo + size, stop))


def scale_tenant_seed(
    *,
    slug: str,
    members: int,
    departments: int = 40,
    batch_size: int = 5000,
    progress: Callable[[str], None] | None = None,
) -> ScaleResult:
    """A large synthetic tenant, fast: bulk inserts in batches, one precomputed password
    hash, no per-row signals. Re-running tops the tenant up to ``members`` (conflicts are
    ignored), so it is idempotent.

    ``members`` counts the synthetic members; the tenant also gets one admin to log in as,
    ``admin@<slug>.example``.
    """
    started = time.perf_counter()
    password_hash = make_password(DEMO_PASSWORD)
    domain = f"{slug}.example"
    with transaction.atomic():
        admin = demo_user_ensure(
            email=scale_admin_email(slug),
            name="Scale Admin",
            language="en",
            password_hash=password_hash,
        )
        org = Organization.objects.filter(slug=slug).first()
        if org is None:
            org = organization_create(
                creator=admin,
                name=f"Scale {slug}",
                slug=slug,
                default_language="en",
                time_zone="Europe/Vilnius",
            )
        demo_membership_ensure(
            organization=org,
            user=admin,
            role=Role.ADMIN,
            department=None,
            job_title="Administrator",
            location="",
            external_id="S-ADMIN",
        )
        Department.objects.bulk_create(
            [
                Department(organization=org, name=f"Department {i:02d}")
                for i in range(1, departments + 1)
            ],
            ignore_conflicts=True,
        )
    dept_ids = list(Department.objects.for_org(org).order_by("name").values_list("id", flat=True))
    synthetic = Membership.objects.for_org(org).filter(
        user__email__startswith="member", user__email__endswith="@" + domain
    )
    existing = synthetic.count()
    if existing < members:
        now = timezone.now()
        for batch in _batches(1, members + 1, batch_size):
            with transaction.atomic():
                emails = [f"member{n:06d}@{domain}" for n in batch]
                User.objects.bulk_create(
                    [
                        User(
                            email=email,
                            name=scale_member_name(n),
                            language="",
                            password=password_hash,
                            date_joined=now,
                        )
                        for n, email in zip(batch, emails, strict=True)
                    ],
                    batch_size=batch_size,
                    ignore_conflicts=True,
                )
                ids = dict(User.objects.filter(email__in=emails).values_list("email", "id"))
                EmailAddress.objects.bulk_create(
                    [
                        EmailAddress(user_id=ids[email], email=email, verified=True, primary=True)
                        for email in emails
                    ],
                    batch_size=batch_size,
                    ignore_conflicts=True,
                )
                Membership.objects.bulk_create(
                    [
                        Membership(
                            organization=org,
                            user_id=ids[email],
                            role=scale_member_role(n),
                            department_id=dept_ids[n % len(dept_ids)] if dept_ids else None,
                            job_title=_SCALE_TITLES[n % len(_SCALE_TITLES)],
                            location=_SCALE_LOCATIONS[n % len(_SCALE_LOCATIONS)],
                            external_id=f"S{n:06d}",
                            joined_at=now - timedelta(days=n % 1500),
                        )
                        for n, email in zip(batch, emails, strict=True)
                    ],
                    batch_size=batch_size,
                    ignore_conflicts=True,
                )
            if progress:
                progress(f"  {batch[-1]:,} / {members:,}")
        if connection.vendor == "postgresql":
            # Fresh statistics, so the planner uses the tenant's indexes straight away.
            with connection.cursor() as cur:
                for model in (User, EmailAddress, Membership, Department):
                    cur.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    total = Membership.objects.for_org(org).count()
    return ScaleResult(
        organization=org,
        admin=admin,
        created=max(0, synthetic.count() - existing) if existing < members else 0,
        total=total,
        seconds=time.perf_counter() - started,
    )


# --- Local databases ------------------------------------------------------------


def local_postgres_database_ensure(db: dict[str, Any]) -> bool:
    """Create the PostgreSQL database of ``db`` (a DATABASES entry) if it does not exist.

    ``make run`` and ``make bench`` use it so that a fresh ``DATABASE_URL`` just works.
    Connects to the server's ``postgres`` database with the same credentials. Returns
    whether it created the database.
    """
    if not db["ENGINE"].endswith(("postgresql", "postgis")):
        return False
    import psycopg2
    from psycopg2 import sql

    params: dict[str, Any] = {
        "dbname": "postgres",
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
    }
    conn = psycopg2.connect(**{k: v for k, v in params.items() if v is not None})
    try:
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]])
            if cur.fetchone():
                return False
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(db["NAME"])))
            return True
    finally:
        conn.close()
