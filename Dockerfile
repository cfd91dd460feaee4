# The api and the bridge (one image, two commands).
FROM node:20-slim AS webclient
WORKDIR /app/webclient
COPY webclient/package.json webclient/package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 TZ=Europe/Berlin
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bridge bridge
COPY migrations migrations
COPY ejabberd ejabberd
COPY webclient webclient
COPY --from=webclient /app/webclient/node_modules webclient/node_modules
RUN pip install --no-cache-dir -e .
EXPOSE 8000
CMD ["customer-chat", "api"]
