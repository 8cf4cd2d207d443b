// The linkgate approver role: read the private link targets and the network around them, and approve or reject
// private endpoint connections. Nothing else. The action list is generated from src/adapters/arm/apiVersions.ts
// into infra/role-actions.json, and a test fails when the two disagree.
targetScope = 'subscription'

param environmentName string
@description('Subscription IDs the role may be assigned in.')
param assignableSubscriptionIds array

var roleActions = loadJsonContent('../role-actions.json')

resource approverRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: guid(subscription().id, 'linkgate-approver', environmentName)
  properties: {
    roleName: 'linkgate approver (${environmentName})'
    description: 'Read Private Link targets and approve or reject their private endpoint connections (linkgate).'
    type: 'customRole'
    permissions: [
      {
        actions: roleActions.actions
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: union(
      [subscription().id],
      map(assignableSubscriptionIds, id => '/subscriptions/${id}')
    )
  }
}

output name string = approverRole.name
output id string = approverRole.id
