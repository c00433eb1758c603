# Images of the orchestrator (the default target) and of the local cloud (--target localcloud):
#   docker build -t orchestrator .        docker build --target localcloud -t localcloud .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source
COPY Directory.Build.props Directory.Packages.props ./
COPY src/Contracts/Orchestrator.Contracts.csproj src/Contracts/
COPY src/LocalCloud/LocalCloud.csproj src/LocalCloud/
COPY src/Orchestrator/Orchestrator.csproj src/Orchestrator/
RUN dotnet restore src/Orchestrator/Orchestrator.csproj
COPY src/ src/
RUN dotnet publish src/Orchestrator/Orchestrator.csproj -c Release -o /app/orchestrator --no-restore \
 && dotnet publish src/LocalCloud/LocalCloud.csproj -c Release -o /app/localcloud --no-restore

# Both run JavaScript functions in Node.js (the orchestrator when it hosts the local cloud in embedded mode).
FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends nodejs && rm -rf /var/lib/apt/lists/*
ENV ASPNETCORE_URLS=http://+:8080
EXPOSE 8080

FROM runtime AS localcloud
WORKDIR /app
COPY --from=build /app/localcloud .
USER app
ENTRYPOINT ["dotnet", "LocalCloud.dll"]

FROM runtime AS orchestrator
WORKDIR /app
COPY --from=build /app/orchestrator .
USER app
ENTRYPOINT ["dotnet", "Orchestrator.dll"]
