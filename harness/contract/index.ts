// The published service contracts: each mock service's HTTP contract as an OpenAPI 3.1 document generated from
// its Fastify route schemas, and the same flattened into routes a contract checker drives.
//
//   openapiFor(service)      → OpenAPIDocument (built from the service's plugin, never listening)
//   buildServiceApp(service) → the mock's app as the generator builds it (ready, not listening: app.inject())
//   contractFor(service)     → ServiceContract { document, routes, healthPath }
//   readPublishedContract(s) → the committed document in services/contracts/ (nothing built)
//   routesOf(document)       → ContractRoute[]: per operation the request's params/query/body schemas and every
//                              documented response's schema, self-contained (compile each with Ajv as it is)
//   responseFor(route, 409)  → the documented response covering a status (exact, then `4XX`, then `default`)
//   requiredRoutes(routes)   → the routes a replacement must serve (not `x-faultline-internal` nor `x-faultline-optional`)
//   fillPath(path, params)   → `/v1/accounts/acc-000001` from `/v1/accounts/{id}`
export { CONTRACT_VERSION, OPENAPI_VERSION, buildServiceApp, contractFor, openapiFor, operationIdOf, serializeDocument } from './openapi.ts';
export { derefSchema, fillPath, requiredRoutes, responseFor, routesOf } from './routes.ts';
export { CONTRACTS_DIR, contractFileName, contractPath, readPublishedContract } from './files.ts';
export { CONTRACT_SERVICES, isContractService } from './types.ts';
export type {
  ContractResponse,
  ContractRoute,
  ContractService,
  HttpMethod,
  JsonObject,
  JsonSchema,
  JsonValue,
  OpenAPIDocument,
  OpenAPIMediaType,
  OpenAPIOperation,
  OpenAPIOperationExtensions,
  OpenAPIParameter,
  OpenAPIPathItem,
  OpenAPIRequestBody,
  OpenAPIResponse,
  OpenAPITag,
  ServiceContract,
  WatchStreamInfo,
} from './types.ts';
