# Chorus production image: gunicorn serving Django (web), and the same image runs the
# Celery worker and beat (docker-compose.yml overrides the command).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=advocacy.settings \
    CHORUS_VAR_DIR=/var/lib/chorus \
    STATIC_ROOT=/app/staticfiles \
    PORT=8000

# An unprivileged user owns only what it must write: the data directory (media, and the
# file-system broker if no Redis is configured).
RUN groupadd --system chorus \
    && useradd --system --gid chorus --home-dir /app --no-create-home --shell /usr/sbin/nologin chorus \
    && mkdir -p /var/lib/chorus \
    && chown chorus:chorus /var/lib/chorus

WORKDIR /app

# Dependencies first: this layer is rebuilt only when the lock file changes.
COPY requirements-prod.lock ./
RUN pip install -r requirements-prod.lock

# The project itself (see .dockerignore for what stays out), installed without touching
# the locked dependencies.
COPY . ./
RUN pip install --no-deps -e . \
    && SECRET_KEY=docker-build-collectstatic-only-never-used-at-runtime-0123456789 \
       DEBUG=false python manage.py collectstatic --noinput \
    && chown -R chorus:chorus /var/lib/chorus

USER chorus
EXPOSE 8000

# /healthz checks the database, cache and broker. The Host header is the first allowed
# host, so the check passes Django's ALLOWED_HOSTS validation.
HEALTHCHECK --interval=30s --timeout=6s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; h = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0].strip().lstrip('.'); h = 'localhost' if h in ('', '*') else h; u.urlopen(u.Request('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), headers={'Host': h, 'X-Forwarded-Proto': 'https'}), timeout=5)"]

CMD ["gunicorn", "advocacy.wsgi:application", "--config", "gunicorn.conf.py"]
