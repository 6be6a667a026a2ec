# The Ballast server image: built from the workspace, runs the production entry point.
FROM node:20-bookworm-slim AS build
WORKDIR /src
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY . .
RUN corepack enable && yarn install --immutable && yarn build

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production BALLAST_HOST=0.0.0.0 BALLAST_PORT=4680 BALLAST_DATA_DIR=/data
COPY --from=build /src /app
RUN mkdir -p /data && chown node:node /data
USER node
EXPOSE 4680
HEALTHCHECK CMD node -e "fetch('http://127.0.0.1:4680/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "backend/server/dist/server.js"]
