# One image for every LearnHub process: web (gunicorn), Celery worker and Celery beat.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=learnhub.settings.production \
    LEARNHUB_VAR_DIR=/app/var

# Pango and fonts for WeasyPrint, which renders insight briefs as PDF.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system learnhub \
    && useradd --system --gid learnhub --home-dir /app --shell /usr/sbin/nologin learnhub

WORKDIR /app

# Dependencies first, from pyproject.toml at the versions of constraints.txt, so code
# changes do not reinstall them.
COPY pyproject.toml constraints.txt ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" \
        > /tmp/requirements.txt \
    && pip install --requirement /tmp/requirements.txt --constraint constraints.txt \
    && rm /tmp/requirements.txt

COPY . .
# Editable, so settings still find templates/ and static/ beside the code.
RUN pip install --no-deps --editable . \
    && DJANGO_SECRET_KEY=collectstatic-only DJANGO_ALLOWED_HOSTS=localhost \
        LEARNHUB_SITE_URL=http://localhost python manage.py collectstatic --noinput \
    && mkdir -p /app/var/media /app/var/celery \
    && chown -R learnhub:learnhub /app/var

USER learnhub
EXPOSE 8000

# docker-compose.yml sets the command for the worker and beat; this is the web server.
# gunicorn takes its number of workers from WEB_CONCURRENCY.
ENV WEB_CONCURRENCY=3
CMD ["gunicorn", "learnhub.wsgi:application", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
