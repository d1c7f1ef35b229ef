# Production image for web (gunicorn), worker and beat. Built by docker-compose.yml.
# Front-end assets come pinned from the npm registry (package-lock.json); Python packages pinned
# from uv.lock; CJK fonts and Pango (for WeasyPrint PDFs) from Debian.

FROM node:20-bookworm-slim AS assets
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error

FROM python:3.11-slim-bookworm AS app
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_COMPILE_BYTECODE=1 \
    UV_PROJECT_ENVIRONMENT=/opt/venv
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
       libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
    && rm -rf /var/lib/apt/lists/* \
    && pip install --no-cache-dir uv==0.13.9
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev
COPY . .
COPY --from=assets /app/node_modules ./node_modules
ENV PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=salesops.settings.production
# collectstatic needs settings to load; these throwaway values exist only during the build.
RUN python scripts/compilemessages.py \
    && DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=localhost \
       DATABASE_URL=sqlite:////tmp/build.sqlite3 REDIS_URL=redis://localhost:6379/0 \
       python manage.py collectstatic --no-input --verbosity 0 \
    && useradd --system --uid 1000 --home-dir /app salesops \
    && mkdir -p /app/var/media && chown -R salesops /app/var
USER salesops
EXPOSE 8000
CMD ["gunicorn", "salesops.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
