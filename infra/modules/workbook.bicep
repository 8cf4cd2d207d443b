// The operator's picture: findings over time by check, decisions by action and rule, Pending connections.
// The workbook content lives in infra/workbook.json so it can be edited in the portal and pasted back.
param location string
param tags object
param appInsightsId string
param environmentName string

resource workbook 'Microsoft.Insights/workbooks@2023-06-01' = {
  name: guid(resourceGroup().id, 'linkgate-workbook', environmentName)
  location: location
  tags: tags
  kind: 'shared'
  properties: {
    displayName: 'linkgate (${environmentName})'
    category: 'workbook'
    sourceId: appInsightsId
    serializedData: loadTextContent('../workbook.json')
  }
}

output id string = workbook.id
