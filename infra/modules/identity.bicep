// The user-assigned identity the function app runs as. One identity, created before the app, so that every
// role it needs (storage, App Insights, monitored subscriptions) can be granted before the first start.
param name string
param location string
param tags object

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
