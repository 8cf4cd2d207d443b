// Flex Consumption (FC1) plan and the linkgate function app on Node 22. The app runs as the user-assigned
// identity for everything: host storage, the deployment package, App Insights ingestion and ARM.
param planName string
param appName string
param location string
param tags object
param identityId string
param identityClientId string
param storageName string
param blobEndpoint string
param tableEndpoint string
param deploymentContainerName string
param appInsightsConnectionString string
@description('App settings specific to linkgate (LINKGATE_*).')
param linkgateSettings object
// Flex Consumption limits (docs/deploy.md#flex-consumption-limits; test/unit/infra/flex.test.ts checks these
// decorators against that table): the lowest maximum instance count is 40, the highest 1000; instance memory is
// 2048 or 4096 MB (512 is listed by the docs but refused by Microsoft.Web/sites@2024-04-01).
@minValue(40)
@maxValue(1000)
param maximumInstanceCount int = 40
@allowed([2048, 4096])
param instanceMemoryMB int = 2048

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

// Functions host settings: identity-based AzureWebJobsStorage (no connection string, no key), Entra ID
// authentication for App Insights, and AZURE_CLIENT_ID so DefaultAzureCredential picks the user-assigned identity.
var hostSettings = {
  AzureWebJobsStorage__accountName: storageName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
  AZURE_CLIENT_ID: identityClientId
  LINKGATE_TABLE_ENDPOINT: tableEndpoint
  // The package is an esbuild bundle with external source maps: stack traces point at src/*.ts.
  NODE_OPTIONS: '--enable-source-maps'
}

var allSettings = union(hostSettings, linkgateSettings)

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  // azd finds the app to deploy the `api` service to by this tag.
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Flex Consumption refuses most siteConfig properties (ftpsState, http20Enabled, use32BitWorkerProcess, ...)
    // with 400 "site configuration properties ... for Flex Consumption sites is invalid": only the allow-listed
    // ones are set (test/unit/infra/flex.test.ts). FTP is off through basicPublishingCredentialsPolicies below.
    siteConfig: {
      minTlsVersion: '1.2'
      appSettings: [for setting in items(allSettings): {
        name: setting.key
        value: setting.value
      }]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

// Publishing with user names and passwords is off; azd deploys with an Entra ID token.
resource ftpPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmPolicy 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: app
  name: 'scm'
  properties: {
    allow: false
  }
}

output id string = app.id
output name string = app.name
output defaultHostName string = app.properties.defaultHostName
