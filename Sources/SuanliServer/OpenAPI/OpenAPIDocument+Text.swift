// Generated from docs/openapi.json by scripts/openapi-embed.sh; edit that file, then run the script.

extension OpenAPIDocument {
    /// The document exactly as docs/openapi.json has it, without its final newline.
    static let text = ##"""
{
  "openapi": "3.1.0",
  "info": {
    "title": "Suanli API",
    "version": "1",
    "summary": "算力: identifiers, registry, discovery and scheduling for compute owned by many providers.",
    "description": "JSON over HTTP. Keys are snake_case; times are RFC 3339 UTC with milliseconds; money is integer fen (1 CNY = 100 fen). Every failure is `{\"error\":{\"code\",\"message\"}}` with the status of its code. Paths are matched exactly: an empty, `.` or `..` segment is 400. docs/api.md explains every endpoint.",
    "license": {
      "name": "See the repository",
      "identifier": "NOASSERTION"
    }
  },
  "servers": [
    {
      "url": "/",
      "description": "The platform serving this document."
    }
  ],
  "tags": [
    {
      "name": "Platform",
      "description": "Liveness, this document, the caller."
    },
    {
      "name": "Dashboard",
      "description": "The web dashboard at `/` and its assets (docs/dashboard.md)."
    },
    {
      "name": "Providers",
      "description": "Registration (operator), listing and lookup, token rotation."
    },
    {
      "name": "Consumers",
      "description": "Registration and listing (operator)."
    },
    {
      "name": "Resources",
      "description": "A provider's resources, resolution and discovery, telemetry."
    },
    {
      "name": "Topology",
      "description": "Locations, RTTs, national statistics."
    },
    {
      "name": "Tasks",
      "description": "Submitting and following tasks (consumers, the operator)."
    },
    {
      "name": "Agents",
      "description": "The provider agent's protocol (provider tokens)."
    },
    {
      "name": "Metering",
      "description": "Metered usage and amounts."
    },
    {
      "name": "Metrics",
      "description": "Prometheus metrics (docs/api.md lists them)."
    },
    {
      "name": "Tokens",
      "description": "Roles and tokens: listing (never secrets), creation with an expiry, rotation, revocation; auditors."
    },
    {
      "name": "Audit",
      "description": "The audit log (operator and auditors)."
    },
    {
      "name": "Federation",
      "description": "Delegated child platforms, signed delegation records, status, peer calls (docs/federation.md)."
    },
    {
      "name": "Handle",
      "description": "Handle-compatible resolution (the Handle.Net HTTP JSON REST API; docs/federation.md)."
    },
    {
      "name": "Market",
      "description": "Quotes: offers whose capacity is held, accepted or released (docs/market.md)."
    }
  ],
  "security": [
    {},
    {
      "bearerAuth": []
    }
  ],
  "paths": {
    "/healthz": {
      "get": {
        "tags": [
          "Platform"
        ],
        "summary": "Liveness",
        "operationId": "health",
        "description": "Needs no token and ignores any sent.",
        "security": [],
        "responses": {
          "200": {
            "description": "The platform serves requests.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/HealthStatus"
                },
                "example": {
                  "status": "ok"
                }
              }
            }
          }
        }
      }
    },
    "/openapi.json": {
      "get": {
        "tags": [
          "Platform"
        ],
        "summary": "This document",
        "operationId": "openAPIDocument",
        "description": "Needs no token and ignores any sent.",
        "security": [],
        "responses": {
          "200": {
            "description": "The OpenAPI 3.1 document of this API.",
            "content": {
              "application/json": {
                "schema": {
                  "type": "object",
                  "required": [
                    "openapi",
                    "paths"
                  ]
                }
              }
            }
          }
        }
      }
    },
    "/": {
      "get": {
        "tags": [
          "Dashboard"
        ],
        "summary": "The dashboard page",
        "operationId": "dashboardPage",
        "description": "Public: needs no token and ignores any sent (docs/dashboard.md).",
        "parameters": [
          {
            "name": "If-None-Match",
            "in": "header",
            "required": false,
            "description": "ETags of a cached copy; a match (or `*`) answers 304.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "security": [],
        "responses": {
          "200": {
            "description": "The page (HTML); it loads only its own assets and the public API, and asks for a token for task views.",
            "headers": {
              "ETag": {
                "description": "A strong tag of the asset's bytes (changes with the binary).",
                "schema": {
                  "type": "string"
                }
              },
              "Cache-Control": {
                "description": "`no-cache`: revalidate with `If-None-Match`.",
                "schema": {
                  "type": "string",
                  "const": "no-cache"
                }
              }
            },
            "content": {
              "text/html": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "304": {
            "description": "The cached copy with that ETag is current.",
            "headers": {
              "ETag": {
                "description": "A strong tag of the asset's bytes (changes with the binary).",
                "schema": {
                  "type": "string"
                }
              },
              "Cache-Control": {
                "description": "`no-cache`: revalidate with `If-None-Match`.",
                "schema": {
                  "type": "string",
                  "const": "no-cache"
                }
              }
            }
          }
        }
      },
      "head": {
        "tags": [
          "Dashboard"
        ],
        "summary": "The dashboard page (headers only)",
        "operationId": "dashboardPageHead",
        "description": "Public: needs no token and ignores any sent (docs/dashboard.md).",
        "parameters": [
          {
            "name": "If-None-Match",
            "in": "header",
            "required": false,
            "description": "ETags of a cached copy; a match (or `*`) answers 304.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "security": [],
        "responses": {
          "200": {
            "description": "The headers of the GET answer, without a body.",
            "headers": {
              "ETag": {
                "description": "A strong tag of the asset's bytes (changes with the binary).",
                "schema": {
                  "type": "string"
                }
              },
              "Cache-Control": {
                "description": "`no-cache`: revalidate with `If-None-Match`.",
                "schema": {
                  "type": "string",
                  "const": "no-cache"
                }
              }
            }
          },
          "304": {
            "description": "The cached copy with that ETag is current.",
            "headers": {
              "ETag": {
                "description": "A strong tag of the asset's bytes (changes with the binary).",
                "schema": {
                  "type": "string"
                }
              },
              "Cache-Control": {
                "description": "`no-cache`: revalidate with `If-None-Match`.",
                "schema": {
                  "type": "string",
                  "const": "no-cache"
                }
              }
            }
          }
        }
      }
    },
    "/dashboard/app.js": {
      "get": {
        "tags": [
          "Dashboard"
        ],
        "summary": "The dashboard's script",
        "operationId": "dashboardScript",
        "description": "Public: needs no token and ignores any sent (docs/dashboard.md).",
        "parameters": [
          {
            "name": "If-None-Match",
            "in": "header",
            "required": false,
            "description": "ETags of a cached copy; a match (or `*`) answers 304.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "security": [],
        "responses": {
          "200": {
            "description": "The page's JavaScript.",
            "headers": {
              "ETag": {
                "description": "A strong tag of the asset's bytes (changes with the binary).",
                "schema": {
                  "type": "string"
                }
              },
              "Cache-Control": {
                "description": "`no-cache`: revalidate with `If-None-Match`.",
                "schema": {
                  "type": "string",
                  "const": "no-cache"
                }
              }
            },
            "content": {
              "text/javascript": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "304": {
            "description": "The cached copy with that ETag is current.",
            "headers": {
              "ETag": {
                "description": "A strong tag of the asset's bytes (changes with the binary).",
                "schema": {
                  "type": "string"
                }
              },
              "Cache-Control": {
                "description": "`no-cache`: revalidate with `If-None-Match`.",
                "schema": {
                  "type": "string",
                  "const": "no-cache"
                }
              }
            }
          }
        }
      },
      "head": {
        "tags": [
          "Dashboard"
        ],
        "summary": "The dashboard's script (headers only)",
        "operationId": "dashboardScriptHead",
        "description": "Public: needs no token and ignores any sent (docs/dashboard.md).",
        "parameters": [
          {
            "name": "If-None-Match",
            "in": "header",
            "required": false,
            "description": "ETags of a cached copy; a match (or `*`) answers 304.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "security": [],
        "responses": {
          "200": {
            "description": "The headers of the GET answer, without a body.",
            "headers": {
              "ETag": {
                "description": "A strong tag of the asset's bytes (changes with the binary).",
                "schema": {
                  "type": "string"
                }
              },
              "Cache-Control": {
                "description": "`no-cache`: revalidate with `If-None-Match`.",
                "schema": {
                  "type": "string",
                  "const": "no-cache"
                }
              }
            }
          },
          "304": {
            "description": "The cached copy with that ETag is current.",
            "headers": {
              "ETag": {
                "description": "A strong tag of the asset's bytes (changes with the binary).",
                "schema": {
                  "type": "string"
                }
              },
              "Cache-Control": {
                "description": "`no-cache`: revalidate with `If-None-Match`.",
                "schema": {
                  "type": "string",
                  "const": "no-cache"
                }
              }
            }
          }
        }
      }
    },
    "/dashboard/style.css": {
      "get": {
        "tags": [
          "Dashboard"
        ],
        "summary": "The dashboard's style sheet",
        "operationId": "dashboardStyle",
        "description": "Public: needs no token and ignores any sent (docs/dashboard.md).",
        "parameters": [
          {
            "name": "If-None-Match",
            "in": "header",
            "required": false,
            "description": "ETags of a cached copy; a match (or `*`) answers 304.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "security": [],
        "responses": {
          "200": {
            "description": "The page's CSS.",
            "headers": {
              "ETag": {
                "description": "A strong tag of the asset's bytes (changes with the binary).",
                "schema": {
                  "type": "string"
                }
              },
              "Cache-Control": {
                "description": "`no-cache`: revalidate with `If-None-Match`.",
                "schema": {
                  "type": "string",
                  "const": "no-cache"
                }
              }
            },
            "content": {
              "text/css": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "304": {
            "description": "The cached copy with that ETag is current.",
            "headers": {
              "ETag": {
                "description": "A strong tag of the asset's bytes (changes with the binary).",
                "schema": {
                  "type": "string"
                }
              },
              "Cache-Control": {
                "description": "`no-cache`: revalidate with `If-None-Match`.",
                "schema": {
                  "type": "string",
                  "const": "no-cache"
                }
              }
            }
          }
        }
      },
      "head": {
        "tags": [
          "Dashboard"
        ],
        "summary": "The dashboard's style sheet (headers only)",
        "operationId": "dashboardStyleHead",
        "description": "Public: needs no token and ignores any sent (docs/dashboard.md).",
        "parameters": [
          {
            "name": "If-None-Match",
            "in": "header",
            "required": false,
            "description": "ETags of a cached copy; a match (or `*`) answers 304.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "security": [],
        "responses": {
          "200": {
            "description": "The headers of the GET answer, without a body.",
            "headers": {
              "ETag": {
                "description": "A strong tag of the asset's bytes (changes with the binary).",
                "schema": {
                  "type": "string"
                }
              },
              "Cache-Control": {
                "description": "`no-cache`: revalidate with `If-None-Match`.",
                "schema": {
                  "type": "string",
                  "const": "no-cache"
                }
              }
            }
          },
          "304": {
            "description": "The cached copy with that ETag is current.",
            "headers": {
              "ETag": {
                "description": "A strong tag of the asset's bytes (changes with the binary).",
                "schema": {
                  "type": "string"
                }
              },
              "Cache-Control": {
                "description": "`no-cache`: revalidate with `If-None-Match`.",
                "schema": {
                  "type": "string",
                  "const": "no-cache"
                }
              }
            }
          }
        }
      }
    },
    "/dashboard/china.json": {
      "get": {
        "tags": [
          "Dashboard"
        ],
        "summary": "The map's outline of China",
        "operationId": "dashboardOutline",
        "description": "Public: needs no token and ignores any sent (docs/dashboard.md).",
        "parameters": [
          {
            "name": "If-None-Match",
            "in": "header",
            "required": false,
            "description": "ETags of a cached copy; a match (or `*`) answers 304.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "security": [],
        "responses": {
          "200": {
            "description": "The outline the map draws (`rings` of `[lon,lat]`, `bbox`, `source`); empty rings when none is shipped.",
            "headers": {
              "ETag": {
                "description": "A strong tag of the asset's bytes (changes with the binary).",
                "schema": {
                  "type": "string"
                }
              },
              "Cache-Control": {
                "description": "`no-cache`: revalidate with `If-None-Match`.",
                "schema": {
                  "type": "string",
                  "const": "no-cache"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "type": "object"
                }
              }
            }
          },
          "304": {
            "description": "The cached copy with that ETag is current.",
            "headers": {
              "ETag": {
                "description": "A strong tag of the asset's bytes (changes with the binary).",
                "schema": {
                  "type": "string"
                }
              },
              "Cache-Control": {
                "description": "`no-cache`: revalidate with `If-None-Match`.",
                "schema": {
                  "type": "string",
                  "const": "no-cache"
                }
              }
            }
          }
        }
      },
      "head": {
        "tags": [
          "Dashboard"
        ],
        "summary": "The map's outline of China (headers only)",
        "operationId": "dashboardOutlineHead",
        "description": "Public: needs no token and ignores any sent (docs/dashboard.md).",
        "parameters": [
          {
            "name": "If-None-Match",
            "in": "header",
            "required": false,
            "description": "ETags of a cached copy; a match (or `*`) answers 304.",
            "schema": {
              "type": "string"
            }
          }
        ],
        "security": [],
        "responses": {
          "200": {
            "description": "The headers of the GET answer, without a body.",
            "headers": {
              "ETag": {
                "description": "A strong tag of the asset's bytes (changes with the binary).",
                "schema": {
                  "type": "string"
                }
              },
              "Cache-Control": {
                "description": "`no-cache`: revalidate with `If-None-Match`.",
                "schema": {
                  "type": "string",
                  "const": "no-cache"
                }
              }
            }
          },
          "304": {
            "description": "The cached copy with that ETag is current.",
            "headers": {
              "ETag": {
                "description": "A strong tag of the asset's bytes (changes with the binary).",
                "schema": {
                  "type": "string"
                }
              },
              "Cache-Control": {
                "description": "`no-cache`: revalidate with `If-None-Match`.",
                "schema": {
                  "type": "string",
                  "const": "no-cache"
                }
              }
            }
          }
        }
      }
    },
    "/v1/whoami": {
      "get": {
        "tags": [
          "Platform"
        ],
        "summary": "The caller as the platform sees it",
        "operationId": "whoAmI",
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The kind of token sent and this platform's prefix.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/WhoAmI"
                },
                "example": {
                  "kind": "provider",
                  "id": "86.1.7",
                  "platform": "86.1"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          }
        }
      }
    },
    "/v1/providers": {
      "post": {
        "tags": [
          "Providers"
        ],
        "summary": "Register a provider",
        "operationId": "registerProvider",
        "description": "Operator token.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ProviderRegistration"
              },
              "example": {
                "name": "Zhangjiakou Green Compute 7",
                "contact": "ops@example.com",
                "location": "cluster.zhangjiakou",
                "renewable": 0.72,
                "pue": 1.15
              }
            }
          }
        },
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "201": {
            "description": "The provider with its token (shown once). The prefix is the next child of the platform's.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ProviderRecord"
                },
                "example": {
                  "prefix": "86.1.7",
                  "name": "Zhangjiakou Green Compute 7",
                  "contact": "ops@example.com",
                  "location": "cluster.zhangjiakou",
                  "renewable": 0.72,
                  "pue": 1.15,
                  "created_at": "2026-11-21T22:30:00.000Z",
                  "resources": 0,
                  "token": "p_4kq3…"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "get": {
        "tags": [
          "Providers"
        ],
        "summary": "List providers",
        "operationId": "listProviders",
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "Every provider in prefix order.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ProviderRecordList"
                },
                "example": {
                  "items": [
                    {
                      "prefix": "86.1.7",
                      "name": "Zhangjiakou Green Compute 7",
                      "contact": "ops@example.com",
                      "location": "cluster.zhangjiakou",
                      "renewable": 0.72,
                      "pue": 1.15,
                      "created_at": "2026-11-21T22:30:00.000Z",
                      "resources": 120
                    }
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          }
        }
      }
    },
    "/v1/providers/{prefix}": {
      "parameters": [
        {
          "$ref": "#/components/parameters/Prefix"
        }
      ],
      "get": {
        "tags": [
          "Providers"
        ],
        "summary": "One provider",
        "operationId": "getProvider",
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The provider.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ProviderRecord"
                },
                "example": {
                  "prefix": "86.1.7",
                  "name": "Zhangjiakou Green Compute 7",
                  "contact": "ops@example.com",
                  "location": "cluster.zhangjiakou",
                  "renewable": 0.72,
                  "pue": 1.15,
                  "created_at": "2026-11-21T22:30:00.000Z",
                  "resources": 120
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          }
        }
      }
    },
    "/v1/providers/{prefix}/token": {
      "parameters": [
        {
          "$ref": "#/components/parameters/Prefix"
        }
      ],
      "post": {
        "tags": [
          "Providers"
        ],
        "summary": "Rotate a provider's token",
        "operationId": "rotateProviderToken",
        "description": "Operator token. No body.",
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The provider with a new token; the old one stops working.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ProviderRecord"
                },
                "example": {
                  "prefix": "86.1.7",
                  "name": "Zhangjiakou Green Compute 7",
                  "contact": "ops@example.com",
                  "location": "cluster.zhangjiakou",
                  "renewable": 0.72,
                  "pue": 1.15,
                  "created_at": "2026-11-21T22:30:00.000Z",
                  "resources": 120,
                  "token": "p_9zt1…"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/consumers": {
      "post": {
        "tags": [
          "Consumers"
        ],
        "summary": "Register a consumer",
        "operationId": "registerConsumer",
        "description": "Operator token.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ConsumerRegistration"
              },
              "example": {
                "name": "Fudan Vision Lab",
                "contact": "lab@example.edu"
              }
            }
          }
        },
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "201": {
            "description": "The consumer with its token (shown once).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ConsumerRecord"
                },
                "example": {
                  "id": "c1",
                  "name": "Fudan Vision Lab",
                  "contact": "lab@example.edu",
                  "created_at": "2026-11-21T22:30:00.000Z",
                  "token": "c_7hd2…"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "get": {
        "tags": [
          "Consumers"
        ],
        "summary": "List consumers",
        "operationId": "listConsumers",
        "description": "Operator or auditor token.",
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "Every consumer in id order.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ConsumerRecordList"
                },
                "example": {
                  "items": [
                    {
                      "id": "c1",
                      "name": "Fudan Vision Lab",
                      "contact": "lab@example.edu",
                      "created_at": "2026-11-21T22:30:00.000Z"
                    }
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/v1/tokens": {
      "get": {
        "tags": [
          "Tokens"
        ],
        "summary": "List tokens",
        "operationId": "listTokens",
        "description": "Any token: the operator and auditors see every token, a provider or consumer its own. Never a secret.",
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "Tokens in creation order.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TokenRecordList"
                },
                "example": {
                  "items": [
                    {
                      "id": "tk_3f9a1c2b7d4e5f60",
                      "role": "consumer",
                      "owner": "c1",
                      "name": "ci",
                      "created_at": "2026-11-21T22:30:00.000Z",
                      "expires_at": "2026-11-22T22:30:00.000Z",
                      "last_used_at": null,
                      "revoked_at": null
                    }
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          }
        }
      },
      "post": {
        "tags": [
          "Tokens"
        ],
        "summary": "Create a token",
        "operationId": "createToken",
        "description": "The operator for anyone; a provider or consumer for itself; auditors 403. An empty body is `{}`.",
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/TokenRequest"
              },
              "example": {
                "name": "ci",
                "ttl_s": 86400
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The token with its secret (shown once).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TokenRecord"
                },
                "example": {
                  "id": "tk_3f9a1c2b7d4e5f60",
                  "role": "consumer",
                  "owner": "c1",
                  "name": "ci",
                  "created_at": "2026-11-21T22:30:00.000Z",
                  "expires_at": "2026-11-22T22:30:00.000Z",
                  "last_used_at": null,
                  "revoked_at": null,
                  "token": "slc_7hd2…"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/tokens/{id}": {
      "parameters": [
        {
          "$ref": "#/components/parameters/TokenID"
        }
      ],
      "delete": {
        "tags": [
          "Tokens"
        ],
        "summary": "Revoke a token",
        "operationId": "revokeToken",
        "description": "The operator any token, a provider or consumer its own (others 404); refused from the next request on. 409 for the last active operator token.",
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "204": {
            "description": "Revoked (also when it already was)."
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/tokens/{id}/rotate": {
      "parameters": [
        {
          "$ref": "#/components/parameters/TokenID"
        }
      ],
      "post": {
        "tags": [
          "Tokens"
        ],
        "summary": "Rotate a token",
        "operationId": "rotateToken",
        "description": "A new token with the same role, owner, name and lifetime; the old one is revoked at once. 409 for a revoked or expired token and for the bootstrap `operator` token.",
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "requestBody": {
          "required": false,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/TokenRotation"
              },
              "example": {
                "ttl_s": 86400
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The replacement with its secret (shown once).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TokenRecord"
                },
                "example": {
                  "id": "tk_3f9a1c2b7d4e5f60",
                  "role": "consumer",
                  "owner": "c1",
                  "name": "ci",
                  "created_at": "2026-11-21T22:30:00.000Z",
                  "expires_at": "2026-11-22T22:30:00.000Z",
                  "last_used_at": null,
                  "revoked_at": null,
                  "token": "slc_7hd2…"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/auditors": {
      "post": {
        "tags": [
          "Tokens"
        ],
        "summary": "Register an auditor",
        "operationId": "registerAuditor",
        "description": "Operator token.",
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/AuditorRegistration"
              },
              "example": {
                "name": "National Audit Office"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "The auditor with its token (shown once).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AuditorRecord"
                },
                "example": {
                  "id": "a1",
                  "name": "National Audit Office",
                  "created_at": "2026-11-21T22:30:00.000Z",
                  "token": "sla_9k2p…"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "get": {
        "tags": [
          "Tokens"
        ],
        "summary": "List auditors",
        "operationId": "listAuditors",
        "description": "Operator or auditor token.",
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "Every auditor in id order.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AuditorRecordList"
                },
                "example": {
                  "items": [
                    {
                      "id": "a1",
                      "name": "National Audit Office",
                      "created_at": "2026-11-21T22:30:00.000Z"
                    }
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/v1/audit": {
      "get": {
        "tags": [
          "Audit"
        ],
        "summary": "The audit log",
        "operationId": "auditLog",
        "description": "Operator or auditor token. Every write (POST, PUT, PATCH, DELETE), allowed or refused, newest first; agent calls and telemetry only when refused (401, 403); `POST /v1/resolve` never.",
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "parameters": [
          {
            "name": "since",
            "in": "query",
            "required": false,
            "description": "Entries at or after this time.",
            "schema": {
              "$ref": "#/components/schemas/Timestamp"
            }
          },
          {
            "name": "until",
            "in": "query",
            "required": false,
            "description": "Entries before this time.",
            "schema": {
              "$ref": "#/components/schemas/Timestamp"
            }
          },
          {
            "name": "actor",
            "in": "query",
            "required": false,
            "description": "A token id, an owner (`c1`, `86.1.7`, `a1`, `operator`) or a role (`provider`, `anonymous`, …).",
            "schema": {
              "type": "string"
            },
            "example": "c1"
          },
          {
            "name": "action",
            "in": "query",
            "required": false,
            "description": "An exact action.",
            "schema": {
              "type": "string"
            },
            "example": "POST /v1/tasks"
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "description": "Page size (default 100).",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 1000
            }
          },
          {
            "name": "cursor",
            "in": "query",
            "required": false,
            "description": "`next_cursor` of the previous page.",
            "schema": {
              "type": "string",
              "minLength": 1
            }
          }
        ],
        "responses": {
          "200": {
            "description": "One page, newest first.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AuditEntryPage"
                },
                "example": {
                  "items": [
                    {
                      "id": 17,
                      "at": "2026-11-21T22:30:00.125Z",
                      "token": "tk_3f9a1c2b7d4e5f60",
                      "role": "consumer",
                      "owner": "c1",
                      "action": "DELETE /v1/tasks/{id}",
                      "target": {
                        "id": "t7"
                      },
                      "from": "203.0.113.9",
                      "status": 200,
                      "error": null
                    }
                  ],
                  "next_cursor": null
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/resources": {
      "get": {
        "tags": [
          "Resources"
        ],
        "summary": "Discover resources",
        "operationId": "discoverResources",
        "description": "Every parameter is optional and may be given at most once; an empty value is the same as none. Unknown parameters and malformed values are 400; unknown location codes 422. Results are in registration order unless `sort` says otherwise, stable across pages.",
        "parameters": [
          {
            "name": "kind",
            "in": "query",
            "required": false,
            "description": "Only this kind.",
            "schema": {
              "anyOf": [
                {
                  "$ref": "#/components/schemas/ResourceKind"
                },
                {
                  "type": "string",
                  "const": "",
                  "description": "Empty: the same as not given."
                }
              ]
            }
          },
          {
            "name": "arch",
            "in": "query",
            "required": false,
            "description": "Exact architecture.",
            "schema": {
              "anyOf": [
                {
                  "type": "string"
                },
                {
                  "type": "string",
                  "const": "",
                  "description": "Empty: the same as not given."
                }
              ]
            }
          },
          {
            "name": "model",
            "in": "query",
            "required": false,
            "description": "Exact hardware model.",
            "schema": {
              "anyOf": [
                {
                  "type": "string"
                },
                {
                  "type": "string",
                  "const": "",
                  "description": "Empty: the same as not given."
                }
              ]
            }
          },
          {
            "name": "location",
            "in": "query",
            "required": false,
            "description": "A location code; a hub code matches every location in the hub.",
            "schema": {
              "anyOf": [
                {
                  "type": "string"
                },
                {
                  "type": "string",
                  "const": "",
                  "description": "Empty: the same as not given."
                }
              ]
            },
            "example": "cluster.zhangjiakou"
          },
          {
            "name": "near",
            "in": "query",
            "required": false,
            "description": "With `max_rtt_ms`: keep resources within that RTT of this location.",
            "schema": {
              "anyOf": [
                {
                  "type": "string"
                },
                {
                  "type": "string",
                  "const": "",
                  "description": "Empty: the same as not given."
                }
              ]
            },
            "example": "city.beijing"
          },
          {
            "name": "max_rtt_ms",
            "in": "query",
            "required": false,
            "description": "With `near`: the largest RTT in ms.",
            "schema": {
              "anyOf": [
                {
                  "type": "number",
                  "minimum": 0,
                  "maximum": 100000
                },
                {
                  "type": "string",
                  "const": "",
                  "description": "Empty: the same as not given."
                }
              ]
            }
          },
          {
            "name": "min_free",
            "in": "query",
            "required": false,
            "description": "At least this many free units now.",
            "schema": {
              "anyOf": [
                {
                  "type": "integer",
                  "minimum": 0,
                  "maximum": 1000000
                },
                {
                  "type": "string",
                  "const": "",
                  "description": "Empty: the same as not given."
                }
              ]
            }
          },
          {
            "name": "max_price",
            "in": "query",
            "required": false,
            "description": "At most this many fen per unit-hour.",
            "schema": {
              "anyOf": [
                {
                  "type": "integer",
                  "format": "int64",
                  "minimum": 0,
                  "maximum": 1000000000000000
                },
                {
                  "type": "string",
                  "const": "",
                  "description": "Empty: the same as not given."
                }
              ]
            }
          },
          {
            "name": "min_renewable",
            "in": "query",
            "required": false,
            "description": "Renewable share at least this.",
            "schema": {
              "anyOf": [
                {
                  "type": "number",
                  "minimum": 0,
                  "maximum": 1
                },
                {
                  "type": "string",
                  "const": "",
                  "description": "Empty: the same as not given."
                }
              ]
            }
          },
          {
            "name": "include_unavailable",
            "in": "query",
            "required": false,
            "description": "Include unhealthy or stale resources (default false).",
            "schema": {
              "anyOf": [
                {
                  "type": "string",
                  "enum": [
                    "true",
                    "false",
                    "1",
                    "0",
                    "yes",
                    "no"
                  ]
                },
                {
                  "type": "string",
                  "const": "",
                  "description": "Empty: the same as not given."
                }
              ]
            }
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "description": "Page size (default 100).",
            "schema": {
              "anyOf": [
                {
                  "type": "integer",
                  "minimum": 1,
                  "maximum": 1000
                },
                {
                  "type": "string",
                  "const": "",
                  "description": "Empty: the same as not given."
                }
              ]
            }
          },
          {
            "name": "cursor",
            "in": "query",
            "required": false,
            "description": "`next_cursor` of the previous page (of the same order).",
            "schema": {
              "anyOf": [
                {
                  "type": "string"
                },
                {
                  "type": "string",
                  "const": "",
                  "description": "Empty: the same as not given."
                }
              ]
            }
          },
          {
            "name": "sort",
            "in": "query",
            "required": false,
            "description": "Order: registration (default), nearest to `near` first (needs `near`), cheapest first, greenest first, cheapest per standard TFLOPS-hour first (unrated resources last); ties in registration order.",
            "schema": {
              "anyOf": [
                {
                  "type": "string",
                  "enum": [
                    "registered",
                    "rtt",
                    "price",
                    "renewable",
                    "price_per_standard"
                  ]
                },
                {
                  "type": "string",
                  "const": "",
                  "description": "Empty: the same as not given."
                }
              ]
            }
          },
          {
            "name": "scope",
            "in": "query",
            "required": false,
            "description": "Which platforms: `local` (this platform's own providers), `subtree` (the default: also every platform below it, from the replicas their pushes keep here) or `federation` (the whole federation, answered by the root). Without a federation every scope is the platform itself.",
            "schema": {
              "anyOf": [
                {
                  "type": "string",
                  "enum": [
                    "local",
                    "subtree",
                    "federation"
                  ]
                },
                {
                  "type": "string",
                  "const": "",
                  "description": "Empty: the same as not given (subtree)."
                }
              ]
            },
            "example": "subtree"
          }
        ],
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "One page of matching resources.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ResourceRecordPage"
                },
                "example": {
                  "items": [
                    {
                      "id": "86.1.7/zjk-a/gpu-node-17",
                      "provider": "86.1.7",
                      "kind": "gpu",
                      "class": "intelligent",
                      "arch": "x86_64",
                      "model": "NVIDIA A100-SXM4-80GB",
                      "units": 8,
                      "memory_gib": 80,
                      "tflops": {
                        "fp64": 9.7,
                        "fp32": 19.5,
                        "fp16": 312,
                        "int8": 624
                      },
                      "location": "cluster.zhangjiakou",
                      "price_fen_per_unit_hour": 900,
                      "labels": {
                        "rack": "r3"
                      },
                      "renewable": 0.72,
                      "version": 3,
                      "created_at": "2026-11-21T22:30:00.000Z",
                      "updated_at": "2026-11-21T22:31:04.250Z",
                      "state": {
                        "free_units": 5,
                        "healthy": true,
                        "utilization": 0.4,
                        "heartbeat_at": "2026-11-21T22:31:04.250Z"
                      },
                      "available": true
                    }
                  ],
                  "next_cursor": null
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          }
        }
      }
    },
    "/v1/resources/{prefix}/{suffix}": {
      "x-path-template": "/v1/resources/{id...}",
      "parameters": [
        {
          "$ref": "#/components/parameters/IdentifierPrefix"
        },
        {
          "$ref": "#/components/parameters/IdentifierSuffix"
        }
      ],
      "get": {
        "tags": [
          "Resources"
        ],
        "summary": "Resolve an identifier",
        "operationId": "getResource",
        "description": "The same as `GET /v1/resolve/{identifier}`. The identifier is the rest of the path, slashes included (`/v1/resources/86.1.7/zjk-a/gpu-node-17`), %-decoded; `{prefix}/{suffix}` is how OpenAPI can write it (see the `suffix` parameter).",
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The record with live state.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ResourceRecord"
                },
                "example": {
                  "id": "86.1.7/zjk-a/gpu-node-17",
                  "provider": "86.1.7",
                  "kind": "gpu",
                  "class": "intelligent",
                  "arch": "x86_64",
                  "model": "NVIDIA A100-SXM4-80GB",
                  "units": 8,
                  "memory_gib": 80,
                  "tflops": {
                    "fp64": 9.7,
                    "fp32": 19.5,
                    "fp16": 312,
                    "int8": 624
                  },
                  "location": "cluster.zhangjiakou",
                  "price_fen_per_unit_hour": 900,
                  "labels": {
                    "rack": "r3"
                  },
                  "renewable": 0.72,
                  "version": 3,
                  "created_at": "2026-11-21T22:30:00.000Z",
                  "updated_at": "2026-11-21T22:31:04.250Z",
                  "state": {
                    "free_units": 5,
                    "healthy": true,
                    "utilization": 0.4,
                    "heartbeat_at": "2026-11-21T22:31:04.250Z"
                  },
                  "available": true
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          }
        }
      },
      "put": {
        "tags": [
          "Resources"
        ],
        "summary": "Create or replace a resource",
        "operationId": "putResource",
        "description": "The owning provider's token: the identifier's prefix must be the provider's prefix or below it. The identifier is the rest of the path, slashes included (`/v1/resources/86.1.7/zjk-a/gpu-node-17`), %-decoded; `{prefix}/{suffix}` is how OpenAPI can write it (see the `suffix` parameter).",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ResourceSpec"
              },
              "example": {
                "kind": "gpu",
                "arch": "x86_64",
                "model": "NVIDIA A100-SXM4-80GB",
                "units": 8,
                "memory_gib": 80,
                "tflops": {
                  "fp64": 9.7,
                  "fp32": 19.5,
                  "fp16": 312,
                  "int8": 624
                },
                "location": "cluster.zhangjiakou",
                "price_fen_per_unit_hour": 900,
                "labels": {
                  "rack": "r3"
                }
              }
            }
          }
        },
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "Replaced: the record.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ResourceRecord"
                },
                "example": {
                  "id": "86.1.7/zjk-a/gpu-node-17",
                  "provider": "86.1.7",
                  "kind": "gpu",
                  "class": "intelligent",
                  "arch": "x86_64",
                  "model": "NVIDIA A100-SXM4-80GB",
                  "units": 8,
                  "memory_gib": 80,
                  "tflops": {
                    "fp64": 9.7,
                    "fp32": 19.5,
                    "fp16": 312,
                    "int8": 624
                  },
                  "location": "cluster.zhangjiakou",
                  "price_fen_per_unit_hour": 900,
                  "labels": {
                    "rack": "r3"
                  },
                  "renewable": 0.72,
                  "version": 3,
                  "created_at": "2026-11-21T22:30:00.000Z",
                  "updated_at": "2026-11-21T22:31:04.250Z",
                  "state": {
                    "free_units": 5,
                    "healthy": true,
                    "utilization": 0.4,
                    "heartbeat_at": "2026-11-21T22:31:04.250Z"
                  },
                  "available": true
                }
              }
            }
          },
          "201": {
            "description": "Created: the record.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ResourceRecord"
                },
                "example": {
                  "id": "86.1.7/zjk-a/gpu-node-17",
                  "provider": "86.1.7",
                  "kind": "gpu",
                  "class": "intelligent",
                  "arch": "x86_64",
                  "model": "NVIDIA A100-SXM4-80GB",
                  "units": 8,
                  "memory_gib": 80,
                  "tflops": {
                    "fp64": 9.7,
                    "fp32": 19.5,
                    "fp16": 312,
                    "int8": 624
                  },
                  "location": "cluster.zhangjiakou",
                  "price_fen_per_unit_hour": 900,
                  "labels": {
                    "rack": "r3"
                  },
                  "renewable": 0.72,
                  "version": 1,
                  "created_at": "2026-11-21T22:30:00.000Z",
                  "updated_at": "2026-11-21T22:31:04.250Z",
                  "state": {
                    "free_units": 5,
                    "healthy": true,
                    "utilization": 0.4,
                    "heartbeat_at": "2026-11-21T22:31:04.250Z"
                  },
                  "available": true
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "delete": {
        "tags": [
          "Resources"
        ],
        "summary": "Delete a resource",
        "operationId": "deleteResource",
        "description": "The owning provider's token. The identifier is the rest of the path, slashes included (`/v1/resources/86.1.7/zjk-a/gpu-node-17`), %-decoded; `{prefix}/{suffix}` is how OpenAPI can write it (see the `suffix` parameter).",
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "204": {
            "description": "Deleted."
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/resolve/{prefix}/{suffix}": {
      "x-path-template": "/v1/resolve/{id...}",
      "parameters": [
        {
          "$ref": "#/components/parameters/IdentifierPrefix"
        },
        {
          "$ref": "#/components/parameters/IdentifierSuffix"
        },
        {
          "$ref": "#/components/parameters/Hops"
        }
      ],
      "get": {
        "tags": [
          "Resources"
        ],
        "summary": "Resolve an identifier",
        "operationId": "resolve",
        "description": "The identifier is the rest of the path, slashes included (`/v1/resolve/86.1.7/zjk-a/gpu-node-17`), %-decoded; `{prefix}/{suffix}` is how OpenAPI can write it (see the `suffix` parameter).",
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The record with live state.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ResourceRecord"
                },
                "example": {
                  "id": "86.1.7/zjk-a/gpu-node-17",
                  "provider": "86.1.7",
                  "kind": "gpu",
                  "class": "intelligent",
                  "arch": "x86_64",
                  "model": "NVIDIA A100-SXM4-80GB",
                  "units": 8,
                  "memory_gib": 80,
                  "tflops": {
                    "fp64": 9.7,
                    "fp32": 19.5,
                    "fp16": 312,
                    "int8": 624
                  },
                  "location": "cluster.zhangjiakou",
                  "price_fen_per_unit_hour": 900,
                  "labels": {
                    "rack": "r3"
                  },
                  "renewable": 0.72,
                  "version": 3,
                  "created_at": "2026-11-21T22:30:00.000Z",
                  "updated_at": "2026-11-21T22:31:04.250Z",
                  "state": {
                    "free_units": 5,
                    "healthy": true,
                    "utilization": 0.4,
                    "heartbeat_at": "2026-11-21T22:31:04.250Z"
                  },
                  "available": true
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "502": {
            "$ref": "#/components/responses/BadGateway"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/resolve": {
      "post": {
        "tags": [
          "Resources"
        ],
        "summary": "Resolve many identifiers",
        "operationId": "resolveBatch",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/ResolveBatch"
              },
              "example": {
                "ids": [
                  "86.1.7/zjk-a/gpu-node-17",
                  "86.1.7/zjk-a/gpu-node-99"
                ]
              }
            }
          }
        },
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "Records in request order, null for unknown identifiers.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ResolveBatchResult"
                },
                "example": {
                  "items": [
                    {
                      "id": "86.1.7/zjk-a/gpu-node-17",
                      "provider": "86.1.7",
                      "kind": "gpu",
                      "class": "intelligent",
                      "arch": "x86_64",
                      "model": "NVIDIA A100-SXM4-80GB",
                      "units": 8,
                      "memory_gib": 80,
                      "tflops": {
                        "fp64": 9.7,
                        "fp32": 19.5,
                        "fp16": 312,
                        "int8": 624
                      },
                      "location": "cluster.zhangjiakou",
                      "price_fen_per_unit_hour": 900,
                      "labels": {
                        "rack": "r3"
                      },
                      "renewable": 0.72,
                      "version": 3,
                      "created_at": "2026-11-21T22:30:00.000Z",
                      "updated_at": "2026-11-21T22:31:04.250Z",
                      "state": {
                        "free_units": 5,
                        "healthy": true,
                        "utilization": 0.4,
                        "heartbeat_at": "2026-11-21T22:31:04.250Z"
                      },
                      "available": true
                    },
                    null
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "502": {
            "$ref": "#/components/responses/BadGateway"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        },
        "parameters": [
          {
            "$ref": "#/components/parameters/Hops"
          }
        ]
      }
    },
    "/v1/telemetry": {
      "post": {
        "tags": [
          "Resources"
        ],
        "summary": "Report live state",
        "operationId": "reportTelemetry",
        "description": "A provider's token. All or nothing: a report for an unknown resource (404), another provider's resource (403) or with bad values (422) rejects the whole call and names `reports[i]`.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/TelemetryBatch"
              },
              "example": {
                "reports": [
                  {
                    "id": "86.1.7/zjk-a/gpu-node-17",
                    "free_units": 5,
                    "healthy": true,
                    "utilization": 0.4
                  }
                ]
              }
            }
          }
        },
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "All reports applied.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TelemetryAck"
                },
                "example": {
                  "accepted": 1
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/topology": {
      "get": {
        "tags": [
          "Topology"
        ],
        "summary": "Locations and the RTT matrix",
        "operationId": "getTopology",
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The topology.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TopologyDocument"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          }
        }
      }
    },
    "/v1/topology/latency": {
      "put": {
        "tags": [
          "Topology"
        ],
        "summary": "Record a measured RTT",
        "operationId": "setMeasuredLatency",
        "description": "Operator token.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/LatencyOverride"
              },
              "example": {
                "from": "city.shanghai",
                "to": "cluster.wuhu",
                "rtt_ms": 4.2
              }
            }
          }
        },
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The topology, with the pair's RTT (both directions) now the measured value.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TopologyDocument"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/stats": {
      "get": {
        "tags": [
          "Topology"
        ],
        "summary": "National statistics",
        "operationId": "getStats",
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "National totals.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/StatsReport"
                },
                "example": {
                  "providers": 36,
                  "resources": 1000,
                  "available_resources": 995,
                  "units": 59482,
                  "free_units": 44027,
                  "by_kind": {
                    "gpu": {
                      "resources": 414,
                      "available": 413,
                      "units": 3080,
                      "free_units": 2321
                    }
                  },
                  "pflops_by_class": {
                    "general": 0.2,
                    "intelligent": 5.1,
                    "supercomputing": 0.1,
                    "edge": 0.03
                  },
                  "basis": {
                    "general": "fp32",
                    "intelligent": "fp16",
                    "supercomputing": "fp64",
                    "edge": "fp16"
                  },
                  "central_western_share": 0.52,
                  "renewable_share": 0.46,
                  "utilization": 0.26,
                  "generated_at": "2026-11-21T22:30:00.000Z",
                  "pue": 1.27,
                  "capacity": {
                    "by_class": {
                      "general": {
                        "pflops": 0.2,
                        "basis": "fp32",
                        "resources": 380,
                        "unrated_resources": 0
                      },
                      "intelligent": {
                        "pflops": 5.1,
                        "basis": "fp16",
                        "resources": 560,
                        "unrated_resources": 0
                      },
                      "supercomputing": {
                        "pflops": 0.1,
                        "basis": "fp64",
                        "resources": 20,
                        "unrated_resources": 0
                      },
                      "edge": {
                        "pflops": 0.03,
                        "basis": "fp16",
                        "resources": 40,
                        "unrated_resources": 2
                      }
                    },
                    "total": {
                      "pflops": 2.3,
                      "basis": "fp32",
                      "resources": 1000,
                      "unrated_resources": 12
                    },
                    "class_basis_total": {
                      "pflops": 5.43,
                      "basis": "mixed",
                      "resources": 1000,
                      "unrated_resources": 0
                    }
                  },
                  "figure_basis": {
                    "central_western_share": "class_basis_pflops",
                    "renewable_share": "class_basis_pflops",
                    "pue": "class_basis_pflops",
                    "utilization": "available_units",
                    "coverage": "demand_cities"
                  },
                  "by_hub": {
                    "hub.jingjinji": {
                      "resources": 130,
                      "available": 129,
                      "units": 7400,
                      "free_units": 5200,
                      "utilization": 0.3,
                      "pflops": 0.9,
                      "basis": "mixed"
                    }
                  },
                  "by_location": {
                    "cluster.zhangjiakou": {
                      "resources": 90,
                      "available": 90,
                      "units": 5100,
                      "free_units": 3600,
                      "utilization": 0.29,
                      "pflops": 0.7,
                      "basis": "mixed"
                    }
                  },
                  "coverage": {
                    "rtt_ms": 20,
                    "cities": 18,
                    "by_kind": {
                      "gpu": {
                        "covered": 15,
                        "share": 0.8333333333333334
                      }
                    },
                    "any": {
                      "covered": 18,
                      "share": 1
                    }
                  },
                  "tasks": {
                    "by_state": {
                      "queued": 2,
                      "running": 5
                    },
                    "queue_length": 2,
                    "placements_total": 118,
                    "open_quotes": 0,
                    "held_units": 0
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          }
        },
        "description": "Every figure states its basis (docs/statistics.md). With `history`, the sampled series of that span.",
        "parameters": [
          {
            "name": "history",
            "in": "query",
            "required": false,
            "description": "Add the sampled history of this span: a whole number of s, m or h, from 1s up to 1h (the history kept).",
            "schema": {
              "type": "string",
              "pattern": "^[0-9]{1,6}[smh]$"
            },
            "example": "1h"
          },
          {
            "name": "scope",
            "in": "query",
            "required": false,
            "description": "Which platforms: `local` (this platform's own providers), `subtree` (the default: also every platform below it, from the replicas their pushes keep here) or `federation` (the whole federation, answered by the root). Without a federation every scope is the platform itself.",
            "schema": {
              "anyOf": [
                {
                  "type": "string",
                  "enum": [
                    "local",
                    "subtree",
                    "federation"
                  ]
                },
                {
                  "type": "string",
                  "const": "",
                  "description": "Empty: the same as not given (subtree)."
                }
              ]
            },
            "example": "subtree"
          }
        ]
      }
    },
    "/v1/tasks": {
      "post": {
        "tags": [
          "Tasks"
        ],
        "summary": "Submit a task",
        "operationId": "submitTask",
        "description": "A consumer's token. A spec that no registered resource could ever satisfy, even with everything free, is 422 with the explanation as the message.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/TaskSpec"
              },
              "example": {
                "name": "train",
                "priority": 0,
                "units": 8,
                "gang": true,
                "accept": [
                  {
                    "kind": "gpu",
                    "arch": "x86_64",
                    "min_memory_gib": 40,
                    "run": {
                      "command": [
                        "python",
                        "train.py"
                      ],
                      "env": {}
                    }
                  },
                  {
                    "kind": "npu",
                    "model": "Huawei Ascend 910B",
                    "run": {
                      "command": [
                        "python",
                        "train_npu.py"
                      ]
                    }
                  }
                ],
                "data_location": "city.shanghai",
                "max_rtt_ms": 20,
                "max_price_fen_per_unit_hour": 1000,
                "min_renewable": 0.3,
                "duration_s": 3600,
                "max_retries": 2,
                "objective": {
                  "price": 1,
                  "latency": 0.25,
                  "carbon": 0.25
                }
              }
            }
          }
        },
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "201": {
            "description": "Scheduled or queued.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TaskSubmission"
                },
                "example": {
                  "id": "t7",
                  "state": "scheduled",
                  "placement": {
                    "alternative": 0,
                    "parts": [
                      {
                        "resource": "86.1.7/zjk-a/gpu-node-17",
                        "units": 8,
                        "price_fen_per_unit_hour": 900,
                        "rtt_ms": 6.1,
                        "renewable": 0.72
                      }
                    ]
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "402": {
            "$ref": "#/components/responses/PaymentRequired"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "get": {
        "tags": [
          "Tasks"
        ],
        "summary": "List tasks",
        "operationId": "listTasks",
        "description": "A consumer's or the operator's token.",
        "parameters": [
          {
            "name": "state",
            "in": "query",
            "required": false,
            "description": "Only tasks in this state.",
            "schema": {
              "$ref": "#/components/schemas/TaskState"
            }
          },
          {
            "name": "limit",
            "in": "query",
            "required": false,
            "description": "Page size (default 100).",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 1000
            }
          },
          {
            "name": "cursor",
            "in": "query",
            "required": false,
            "description": "`next_cursor` of the previous page.",
            "schema": {
              "type": "string",
              "minLength": 1
            }
          }
        ],
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The consumer's own tasks (all for the operator), in submission order.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TaskRecordPage"
                },
                "example": {
                  "items": [
                    {
                      "id": "t7",
                      "name": "train",
                      "consumer": "c1",
                      "state": "scheduled",
                      "priority": 0,
                      "placement": {
                        "alternative": 0,
                        "parts": [
                          {
                            "resource": "86.1.7/zjk-a/gpu-node-17",
                            "units": 8,
                            "price_fen_per_unit_hour": 900,
                            "rtt_ms": 6.1,
                            "renewable": 0.72
                          }
                        ]
                      },
                      "spec": {
                        "name": "train",
                        "priority": 0,
                        "units": 8,
                        "gang": true,
                        "accept": [
                          {
                            "kind": "gpu",
                            "arch": "x86_64",
                            "min_memory_gib": 40,
                            "run": {
                              "command": [
                                "python",
                                "train.py"
                              ],
                              "env": {}
                            }
                          },
                          {
                            "kind": "npu",
                            "model": "Huawei Ascend 910B",
                            "run": {
                              "command": [
                                "python",
                                "train_npu.py"
                              ],
                              "env": {}
                            }
                          }
                        ],
                        "data_location": "city.shanghai",
                        "max_rtt_ms": 20,
                        "max_price_fen_per_unit_hour": 1000,
                        "min_renewable": 0.3,
                        "duration_s": 3600,
                        "max_retries": 2,
                        "objective": {
                          "price": 1,
                          "latency": 0.25,
                          "carbon": 0.25
                        },
                        "consumer": "c1"
                      },
                      "created_at": "2026-11-21T22:30:00.000Z",
                      "updated_at": "2026-11-21T22:30:00.000Z",
                      "events": [
                        {
                          "state": "queued",
                          "at": "2026-11-21T22:30:00.000Z"
                        },
                        {
                          "state": "scheduled",
                          "at": "2026-11-21T22:30:00.000Z",
                          "message": "capacity appeared"
                        }
                      ]
                    }
                  ],
                  "next_cursor": null
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/v1/tasks/stream": {
      "get": {
        "tags": [
          "Tasks"
        ],
        "summary": "Follow task changes",
        "operationId": "streamTasks",
        "description": "A consumer's token (its own tasks) or the operator's (every task). Takes no query parameters.",
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "Server-sent events: `event: ready` first, then one `event: task` per change of a visible task (data: a TaskUpdate as JSON), `event: reset` when changes were dropped (reload the list), and keep-alive comments. The stream ends when the client goes away or the server shuts down.",
            "content": {
              "text/event-stream": {
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/v1/tasks/{id}": {
      "parameters": [
        {
          "$ref": "#/components/parameters/TaskID"
        }
      ],
      "get": {
        "tags": [
          "Tasks"
        ],
        "summary": "One task",
        "operationId": "getTask",
        "description": "The task's consumer or the operator; others get 404.",
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The task.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TaskRecord"
                },
                "example": {
                  "id": "t7",
                  "name": "train",
                  "consumer": "c1",
                  "state": "scheduled",
                  "priority": 0,
                  "placement": {
                    "alternative": 0,
                    "parts": [
                      {
                        "resource": "86.1.7/zjk-a/gpu-node-17",
                        "units": 8,
                        "price_fen_per_unit_hour": 900,
                        "rtt_ms": 6.1,
                        "renewable": 0.72
                      }
                    ]
                  },
                  "spec": {
                    "name": "train",
                    "priority": 0,
                    "units": 8,
                    "gang": true,
                    "accept": [
                      {
                        "kind": "gpu",
                        "arch": "x86_64",
                        "min_memory_gib": 40,
                        "run": {
                          "command": [
                            "python",
                            "train.py"
                          ],
                          "env": {}
                        }
                      },
                      {
                        "kind": "npu",
                        "model": "Huawei Ascend 910B",
                        "run": {
                          "command": [
                            "python",
                            "train_npu.py"
                          ],
                          "env": {}
                        }
                      }
                    ],
                    "data_location": "city.shanghai",
                    "max_rtt_ms": 20,
                    "max_price_fen_per_unit_hour": 1000,
                    "min_renewable": 0.3,
                    "duration_s": 3600,
                    "max_retries": 2,
                    "objective": {
                      "price": 1,
                      "latency": 0.25,
                      "carbon": 0.25
                    },
                    "consumer": "c1"
                  },
                  "created_at": "2026-11-21T22:30:00.000Z",
                  "updated_at": "2026-11-21T22:30:00.000Z",
                  "events": [
                    {
                      "state": "queued",
                      "at": "2026-11-21T22:30:00.000Z"
                    },
                    {
                      "state": "scheduled",
                      "at": "2026-11-21T22:30:00.000Z",
                      "message": "capacity appeared"
                    }
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          }
        }
      },
      "delete": {
        "tags": [
          "Tasks"
        ],
        "summary": "Cancel a task",
        "operationId": "cancelTask",
        "description": "The task's consumer or the operator; others get 404. 409 if it already ended.",
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The task, now cancelled; its units are released at once.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TaskRecord"
                },
                "example": {
                  "id": "t7",
                  "name": "train",
                  "consumer": "c1",
                  "state": "cancelled",
                  "priority": 0,
                  "placement": {
                    "alternative": 0,
                    "parts": [
                      {
                        "resource": "86.1.7/zjk-a/gpu-node-17",
                        "units": 8,
                        "price_fen_per_unit_hour": 900,
                        "rtt_ms": 6.1,
                        "renewable": 0.72
                      }
                    ]
                  },
                  "spec": {
                    "name": "train",
                    "priority": 0,
                    "units": 8,
                    "gang": true,
                    "accept": [
                      {
                        "kind": "gpu",
                        "arch": "x86_64",
                        "min_memory_gib": 40,
                        "run": {
                          "command": [
                            "python",
                            "train.py"
                          ],
                          "env": {}
                        }
                      },
                      {
                        "kind": "npu",
                        "model": "Huawei Ascend 910B",
                        "run": {
                          "command": [
                            "python",
                            "train_npu.py"
                          ],
                          "env": {}
                        }
                      }
                    ],
                    "data_location": "city.shanghai",
                    "max_rtt_ms": 20,
                    "max_price_fen_per_unit_hour": 1000,
                    "min_renewable": 0.3,
                    "duration_s": 3600,
                    "max_retries": 2,
                    "objective": {
                      "price": 1,
                      "latency": 0.25,
                      "carbon": 0.25
                    },
                    "consumer": "c1"
                  },
                  "created_at": "2026-11-21T22:30:00.000Z",
                  "updated_at": "2026-11-21T22:30:00.000Z",
                  "events": [
                    {
                      "state": "queued",
                      "at": "2026-11-21T22:30:00.000Z"
                    },
                    {
                      "state": "scheduled",
                      "at": "2026-11-21T22:30:00.000Z",
                      "message": "capacity appeared"
                    },
                    {
                      "state": "cancelled",
                      "at": "2026-11-21T22:31:04.250Z",
                      "message": "cancelled by c1"
                    }
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/tasks/{id}/explain": {
      "parameters": [
        {
          "$ref": "#/components/parameters/TaskID"
        }
      ],
      "get": {
        "tags": [
          "Tasks"
        ],
        "summary": "Why a task waits, or how it was placed",
        "operationId": "explainTask",
        "description": "The task's consumer or the operator; others get 404.",
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The funnel of constraints and a sentence.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Explanation"
                },
                "example": {
                  "verdict": "queued",
                  "resources": 1000,
                  "steps": [
                    {
                      "constraint": "accept.kind",
                      "removed": 586,
                      "remaining": 414
                    },
                    {
                      "constraint": "free_units",
                      "removed": 414,
                      "remaining": 0
                    }
                  ],
                  "message": "no gpu has 8 free units now; the most free has 4",
                  "queue_position": 1
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          }
        }
      }
    },
    "/v1/tasks/{id}/events": {
      "parameters": [
        {
          "$ref": "#/components/parameters/TaskID"
        }
      ],
      "get": {
        "tags": [
          "Tasks"
        ],
        "summary": "A task's events",
        "operationId": "taskEvents",
        "description": "The task's consumer or the operator; others get 404.",
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "Every transition, oldest first.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TaskEventList"
                },
                "example": {
                  "items": [
                    {
                      "state": "queued",
                      "at": "2026-11-21T22:30:00.000Z"
                    },
                    {
                      "state": "scheduled",
                      "at": "2026-11-21T22:30:00.000Z",
                      "message": "capacity appeared"
                    }
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          }
        }
      }
    },
    "/v1/tasks/{id}/logs": {
      "parameters": [
        {
          "$ref": "#/components/parameters/TaskID"
        }
      ],
      "get": {
        "tags": [
          "Tasks"
        ],
        "summary": "A task's output",
        "operationId": "taskLogs",
        "description": "The task's consumer or the operator; others get 404.",
        "parameters": [
          {
            "name": "stream",
            "in": "query",
            "required": false,
            "description": "Which stream (default stdout).",
            "schema": {
              "type": "string",
              "enum": [
                "stdout",
                "stderr"
              ]
            }
          },
          {
            "name": "tail",
            "in": "query",
            "required": false,
            "description": "Only the last N lines.",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 100000
            }
          },
          {
            "name": "attempt",
            "in": "query",
            "required": false,
            "description": "Which attempt (default the current one).",
            "schema": {
              "type": "integer",
              "minimum": 1
            }
          }
        ],
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The output shipped by the agent (the last 1 MiB per attempt and stream is kept).",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                },
                "example": "epoch 1: loss 0.71\n"
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          }
        }
      }
    },
    "/v1/agent/work": {
      "post": {
        "tags": [
          "Agents"
        ],
        "summary": "Work to start and stop (long poll)",
        "operationId": "agentWork",
        "description": "A provider's token. Answers at once when there is something to start or stop, else within `wait_s`; open polls end at once when the platform shuts down.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/WorkRequest"
              },
              "example": {
                "running": [
                  {
                    "task": "t7",
                    "attempt": 1,
                    "resource": "86.1.7/zjk-a/gpu-node-17"
                  }
                ],
                "wait_s": 0
              }
            }
          }
        },
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "Parts to start and to stop, and the lease.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/WorkResponse"
                },
                "example": {
                  "assignments": [
                    {
                      "task": "t7",
                      "attempt": 1,
                      "resource": "86.1.7/zjk-a/gpu-node-17",
                      "units": 8,
                      "kind": "gpu",
                      "alternative": 0,
                      "run": {
                        "command": [
                          "python",
                          "train.py"
                        ],
                        "env": {}
                      },
                      "duration_s": 3600
                    }
                  ],
                  "cancellations": [],
                  "lease": {
                    "heartbeat_interval_s": 10,
                    "lease_s": 30,
                    "fence_after_s": 20
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/agent/events": {
      "post": {
        "tags": [
          "Agents"
        ],
        "summary": "Report what happened to parts",
        "operationId": "agentEvents",
        "description": "A provider's token. Sending a batch again is harmless.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/AttemptEventBatch"
              },
              "example": {
                "events": [
                  {
                    "task": "t7",
                    "attempt": 1,
                    "resource": "86.1.7/zjk-a/gpu-node-17",
                    "phase": "running",
                    "at": "2026-11-21T22:31:04.250Z"
                  }
                ],
                "sent_at": "2026-11-21T22:31:04.250Z"
              }
            }
          }
        },
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "How many events were applied and ignored (stale or repeated).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/EventAck"
                },
                "example": {
                  "accepted": 1,
                  "ignored": 0
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/agent/logs": {
      "post": {
        "tags": [
          "Agents"
        ],
        "summary": "Append output of a part",
        "operationId": "agentLogs",
        "description": "A provider's token; only for attempts placed on its resources.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/LogChunk"
              },
              "example": {
                "task": "t4",
                "attempt": 1,
                "stream": "stdout",
                "data": "epoch 1: loss 0.71\n"
              }
            }
          }
        },
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "204": {
            "description": "Appended."
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/usage": {
      "get": {
        "tags": [
          "Metering"
        ],
        "summary": "Metered usage",
        "operationId": "usage",
        "description": "Consumers see only their usage, providers only theirs, the operator everything.",
        "parameters": [
          {
            "name": "consumer",
            "in": "query",
            "required": false,
            "description": "Only this consumer's usage.",
            "schema": {
              "type": "string"
            },
            "example": "c1"
          },
          {
            "name": "provider",
            "in": "query",
            "required": false,
            "description": "Only this provider's usage.",
            "schema": {
              "type": "string"
            },
            "example": "86.1.1"
          },
          {
            "name": "from",
            "in": "query",
            "required": false,
            "description": "Parts that ended at or after this time.",
            "schema": {
              "$ref": "#/components/schemas/Timestamp"
            }
          },
          {
            "name": "to",
            "in": "query",
            "required": false,
            "description": "Parts that started before this time.",
            "schema": {
              "$ref": "#/components/schemas/Timestamp"
            }
          }
        ],
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "One item per part of every attempt, and the totals.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/UsageReport"
                },
                "example": {
                  "items": [
                    {
                      "task": "t7",
                      "attempt": 1,
                      "consumer": "c1",
                      "provider": "86.1.7",
                      "resource": "86.1.7/zjk-a/gpu-node-17",
                      "units": 8,
                      "start": "2026-11-21T22:30:00.000Z",
                      "end": "2026-11-21T22:31:04.250Z",
                      "unit_seconds": 514,
                      "price_fen_per_unit_hour": 900,
                      "amount_fen": 129
                    }
                  ],
                  "totals": {
                    "parts": 1,
                    "unit_seconds": 514,
                    "amount_fen": 129
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/metrics": {
      "get": {
        "tags": [
          "Metrics"
        ],
        "summary": "Prometheus metrics",
        "operationId": "metrics",
        "description": "The platform's metrics in the Prometheus text format 0.0.4. Needs a token only when the platform's reads do (`--read-access token`).",
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The metrics.",
            "content": {
              "text/plain; version=0.0.4; charset=utf-8": {
                "schema": {
                  "type": "string"
                },
                "example": "# TYPE suanli_queue_length gauge\nsuanli_queue_length 2.0\n"
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          }
        }
      }
    },
    "/v1/platform/instances": {
      "get": {
        "tags": [
          "Platform"
        ],
        "summary": "List the platform's instances",
        "operationId": "listPlatformInstances",
        "description": "Any token (operator, provider, consumer, auditor); anonymous callers get 401. Several `suanli serve --database` instances on one PostgreSQL database form one platform: exactly one, the leader, runs it and the others forward every request to it. On SQLite the list is this one instance, the leader. Instances last seen over an hour ago are dropped.",
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The instances, oldest first, the one holding the leader lease marked.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/PlatformInstanceList"
                },
                "example": {
                  "items": [
                    {
                      "id": "i-3f9c2a61b0d4",
                      "url": "http://10.0.0.5:8080",
                      "leader": true,
                      "started_at": "2026-11-30T06:30:23.200Z",
                      "last_seen_at": "2026-11-30T06:41:02.118Z"
                    },
                    {
                      "id": "i-84b70edc3517",
                      "url": "http://10.0.0.6:8080",
                      "leader": false,
                      "started_at": "2026-11-30T06:30:24.278Z",
                      "last_seen_at": "2026-11-30T06:41:02.301Z"
                    }
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/federation": {
      "get": {
        "tags": [
          "Federation"
        ],
        "summary": "This platform's place in the federation",
        "operationId": "federationStatus",
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "Prefix, name, key, parent and children.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/FederationStatus"
                },
                "example": {
                  "prefix": "86.1",
                  "name": "national",
                  "public_key": "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1w=",
                  "parent": null,
                  "children": [
                    {
                      "prefix": "86.1.1",
                      "name": "east",
                      "url": "https://east.example.cn",
                      "state": "up",
                      "last_sync_at": "2026-11-30T07:00:01.250Z",
                      "lag_s": 0.4
                    }
                  ]
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          }
        }
      }
    },
    "/v1/federation/children": {
      "get": {
        "tags": [
          "Federation"
        ],
        "summary": "The child platforms",
        "operationId": "listFederationChildren",
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "Children in prefix order.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/FederationChildList"
                },
                "example": {
                  "items": [
                    {
                      "prefix": "86.1.1",
                      "name": "east",
                      "url": "https://east.example.cn",
                      "state": "up",
                      "last_sync_at": "2026-11-30T07:00:01.250Z",
                      "lag_s": 0.4
                    }
                  ]
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          }
        }
      },
      "post": {
        "tags": [
          "Federation"
        ],
        "summary": "Delegate a child prefix",
        "operationId": "addFederationChild",
        "description": "Operator token. The prefix is the next child of this platform's, from the counter providers are numbered from.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/FederationChildRequest"
              },
              "example": {
                "name": "east",
                "url": "https://east.example.cn"
              }
            }
          }
        },
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "201": {
            "description": "The child with its one-time join token.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/FederationChild"
                },
                "example": {
                  "prefix": "86.1.1",
                  "name": "east",
                  "url": "https://east.example.cn",
                  "state": "joining",
                  "last_sync_at": null,
                  "lag_s": null,
                  "join_token": "slj_5f0c…"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/federation/delegations/{prefix}": {
      "parameters": [
        {
          "name": "prefix",
          "in": "path",
          "required": true,
          "description": "A delegated prefix of the federation.",
          "schema": {
            "$ref": "#/components/schemas/Prefix"
          },
          "example": "86.1.1"
        },
        {
          "$ref": "#/components/parameters/Hops"
        }
      ],
      "get": {
        "tags": [
          "Federation"
        ],
        "summary": "The signed delegation record of a prefix",
        "operationId": "getDelegation",
        "description": "Any platform answers for any delegated prefix of the federation (asking the platform that knows it).",
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The record.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/DelegationRecord"
                },
                "example": {
                  "prefix": "86.1.1",
                  "name": "east",
                  "url": "https://east.example.cn",
                  "public_key": "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1w=",
                  "parent": "86.1",
                  "issued_at": "2026-11-30T07:00:00.000Z",
                  "signature": "c2lnbmF0dXJl"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "502": {
            "$ref": "#/components/responses/BadGateway"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/federation/join": {
      "parameters": [
        {
          "name": "Suanli-Peer",
          "in": "header",
          "required": false,
          "description": "The calling platform's prefix.",
          "schema": {
            "$ref": "#/components/schemas/Prefix"
          }
        },
        {
          "name": "Suanli-Timestamp",
          "in": "header",
          "required": false,
          "description": "Unix time in whole seconds when the request was signed.",
          "schema": {
            "type": "string",
            "pattern": "^[0-9]{1,12}$"
          }
        },
        {
          "name": "Suanli-Nonce",
          "in": "header",
          "required": false,
          "description": "A value used once: 16–64 characters of A–Z, a–z, 0–9, - and _.",
          "schema": {
            "type": "string",
            "pattern": "^[A-Za-z0-9_-]{16,64}$"
          }
        },
        {
          "name": "Suanli-Signature",
          "in": "header",
          "required": false,
          "description": "Ed25519 signature (standard base64) of the canonical bytes (docs/federation.md).",
          "schema": {
            "type": "string"
          }
        }
      ],
      "post": {
        "tags": [
          "Federation"
        ],
        "summary": "A child joins (signed peer call)",
        "operationId": "federationJoin",
        "description": "Signed with the key it presents, with the one-time token (docs/federation.md).",
        "security": [
          {}
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/FederationJoin"
              },
              "example": {
                "prefix": "86.1.1",
                "join_token": "slj_5f0c…",
                "public_key": "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1w=",
                "url": "https://east.example.cn"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The child's signed record, the parent's key and the chain.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/FederationLink"
                },
                "example": {
                  "delegation": {
                    "prefix": "86.1.1",
                    "name": "east",
                    "url": "https://east.example.cn",
                    "public_key": "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1w=",
                    "parent": "86.1",
                    "issued_at": "2026-11-30T07:00:00.000Z",
                    "signature": "c2lnbmF0dXJl"
                  },
                  "parent_public_key": "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1w=",
                  "chain": [
                    {
                      "prefix": "86.1",
                      "name": "national",
                      "url": "https://national.example.cn",
                      "public_key": "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1w=",
                      "parent": null,
                      "issued_at": "2026-11-30T06:00:00.000Z",
                      "signature": "c2lnbmF0dXJl"
                    }
                  ]
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/PeerRefused"
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/federation/sync": {
      "parameters": [
        {
          "name": "Suanli-Peer",
          "in": "header",
          "required": false,
          "description": "The calling platform's prefix.",
          "schema": {
            "$ref": "#/components/schemas/Prefix"
          }
        },
        {
          "name": "Suanli-Timestamp",
          "in": "header",
          "required": false,
          "description": "Unix time in whole seconds when the request was signed.",
          "schema": {
            "type": "string",
            "pattern": "^[0-9]{1,12}$"
          }
        },
        {
          "name": "Suanli-Nonce",
          "in": "header",
          "required": false,
          "description": "A value used once: 16–64 characters of A–Z, a–z, 0–9, - and _.",
          "schema": {
            "type": "string",
            "pattern": "^[A-Za-z0-9_-]{16,64}$"
          }
        },
        {
          "name": "Suanli-Signature",
          "in": "header",
          "required": false,
          "description": "Ed25519 signature (standard base64) of the canonical bytes (docs/federation.md).",
          "schema": {
            "type": "string"
          }
        }
      ],
      "post": {
        "tags": [
          "Federation"
        ],
        "summary": "A child's heartbeat (signed peer call)",
        "operationId": "federationSync",
        "security": [
          {}
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/FederationSync"
              },
              "example": {
                "prefix": "86.1.1",
                "url": "https://east.example.cn"
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The child's current (re-signed when old) record.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/FederationLink"
                },
                "example": {
                  "delegation": {
                    "prefix": "86.1.1",
                    "name": "east",
                    "url": "https://east.example.cn",
                    "public_key": "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1w=",
                    "parent": "86.1",
                    "issued_at": "2026-11-30T07:00:00.000Z",
                    "signature": "c2lnbmF0dXJl"
                  },
                  "parent_public_key": "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1w=",
                  "chain": [
                    {
                      "prefix": "86.1",
                      "name": "national",
                      "url": "https://national.example.cn",
                      "public_key": "A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8S9t0U1w=",
                      "parent": null,
                      "issued_at": "2026-11-30T06:00:00.000Z",
                      "signature": "c2lnbmF0dXJl"
                    }
                  ]
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/PeerRefused"
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/api/handles/{prefix}/{suffix}": {
      "x-path-template": "/api/handles/{handle...}",
      "parameters": [
        {
          "name": "prefix",
          "in": "path",
          "required": true,
          "description": "The handle's prefix: a Suanli prefix (`86.1.7`) for a resource's identifier, or `0.NA` for a prefix handle (`0.NA/86.1.7`).",
          "schema": {
            "type": "string",
            "pattern": "^(0\\.[Nn][Aa]|(0|[1-9][0-9]{0,8})(\\.(0|[1-9][0-9]{0,8})){0,7})$"
          },
          "example": "86.1.1"
        },
        {
          "name": "suffix",
          "in": "path",
          "required": true,
          "description": "The rest of the handle: the identifier's suffix (it may span several `/`-separated segments, sent as they are; OpenAPI describes one segment, with at least one character that is not a dot), or the prefix after `0.NA/`. %-escapes are decoded: `%3A` is `:`.",
          "schema": {
            "type": "string",
            "minLength": 1,
            "maxLength": 128,
            "pattern": "^[A-Za-z0-9._~:-]*[A-Za-z0-9_~:-][A-Za-z0-9._~:-]*$"
          },
          "example": "gpu-0"
        }
      ],
      "get": {
        "tags": [
          "Handle"
        ],
        "summary": "Resolve a handle (Handle.Net HTTP JSON REST API)",
        "operationId": "resolveHandle",
        "description": "A resource's identifier or `0.NA/{prefix}` as handle values (`URL`, `SUANLI.*`, `HS_ADMIN`, `HS_PUBKEY`). `responseCode` 1 (200), 200 (200: no value matches the filters), 100 (404), 102 (400: not a handle of ours), 4 (400: a bad filter), 6 (400: the federation's hop limit), 402 (401: reads need a token), 2 (502/503: the owning platform failed or cannot be reached). A bad bearer token or a rate limit is answered by the platform's error body. Needs a token only when the platform's reads do.",
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "parameters": [
          {
            "name": "type",
            "in": "query",
            "required": false,
            "description": "Only values of this type (repeatable; a type ending in `.` includes its subtypes; ASCII case ignored).",
            "schema": {
              "type": "string",
              "minLength": 1,
              "maxLength": 256
            },
            "example": "URL"
          },
          {
            "name": "index",
            "in": "query",
            "required": false,
            "description": "Only the value with this index (repeatable); values matching an index or a type are returned.",
            "schema": {
              "type": "integer",
              "minimum": 0,
              "maximum": 2147483647
            },
            "example": 1
          }
        ],
        "responses": {
          "200": {
            "description": "`responseCode` 1 with the matching values, or 200 (values not found) with `values: []`.",
            "headers": {
              "Access-Control-Allow-Origin": {
                "description": "`*`: any origin may read the answer.",
                "schema": {
                  "type": "string",
                  "const": "*"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/HandleRecord"
                },
                "example": {
                  "responseCode": 1,
                  "handle": "86.1.7/zjk-a/gpu-node-17",
                  "values": [
                    {
                      "index": 1,
                      "type": "URL",
                      "data": {
                        "format": "string",
                        "value": "http://127.0.0.1:8080/v1/resolve/86.1.7/zjk-a/gpu-node-17"
                      },
                      "ttl": 300,
                      "timestamp": "2026-11-21T22:31:04Z"
                    },
                    {
                      "index": 2,
                      "type": "SUANLI.KIND",
                      "data": {
                        "format": "string",
                        "value": "gpu"
                      },
                      "ttl": 300,
                      "timestamp": "2026-11-21T22:31:04Z"
                    },
                    {
                      "index": 10,
                      "type": "SUANLI.FREE_UNITS",
                      "data": {
                        "format": "string",
                        "value": "5"
                      },
                      "ttl": 2,
                      "timestamp": "2026-11-21T22:31:04Z"
                    },
                    {
                      "index": 100,
                      "type": "HS_ADMIN",
                      "data": {
                        "format": "admin",
                        "value": {
                          "handle": "0.NA/86.1.7",
                          "index": 300,
                          "permissions": "011111110011"
                        }
                      },
                      "ttl": 300,
                      "timestamp": "2026-11-21T22:30:00Z"
                    }
                  ]
                }
              }
            }
          },
          "400": {
            "description": "`responseCode` 102 (not a Suanli identifier nor `0.NA/PREFIX`), 4 (a bad `type`/`index` filter) or 6 (the federation's hop limit), with `message`.",
            "headers": {
              "Access-Control-Allow-Origin": {
                "description": "`*`: any origin may read the answer.",
                "schema": {
                  "type": "string",
                  "const": "*"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/HandleRecord"
                }
              }
            }
          },
          "401": {
            "description": "`responseCode` 402 (the platform's reads need a token), or the platform's error body for a refused token.",
            "content": {
              "application/json": {
                "schema": {
                  "oneOf": [
                    {
                      "$ref": "#/components/schemas/HandleRecord"
                    },
                    {
                      "$ref": "#/components/schemas/APIErrorBody"
                    }
                  ]
                }
              }
            }
          },
          "404": {
            "description": "`responseCode` 100: no such resource or prefix (a path without a handle is the platform's `not_found`).",
            "headers": {
              "Access-Control-Allow-Origin": {
                "description": "`*`: any origin may read the answer.",
                "schema": {
                  "type": "string",
                  "const": "*"
                }
              }
            },
            "content": {
              "application/json": {
                "schema": {
                  "oneOf": [
                    {
                      "$ref": "#/components/schemas/HandleRecord"
                    },
                    {
                      "$ref": "#/components/schemas/APIErrorBody"
                    }
                  ]
                }
              }
            }
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "502": {
            "description": "`responseCode` 2: the platform that owns the identifier or prefix answered badly.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/HandleRecord"
                }
              }
            }
          },
          "503": {
            "description": "`responseCode` 2: the platform that owns the identifier or prefix cannot be reached (and no cached record).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/HandleRecord"
                }
              }
            }
          }
        }
      },
      "options": {
        "tags": [
          "Handle"
        ],
        "summary": "CORS preflight for a handle",
        "operationId": "handlePreflight",
        "description": "`204` with `Access-Control-Allow-Origin: *`, `Access-Control-Allow-Methods: GET, OPTIONS`, `Access-Control-Allow-Headers` and `Access-Control-Max-Age`. Answered for any path under `/api/handles/`, whatever the handle.",
        "security": [
          {},
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "204": {
            "description": "The preflight's answer.",
            "headers": {
              "Access-Control-Allow-Origin": {
                "description": "`*`.",
                "schema": {
                  "type": "string",
                  "const": "*"
                }
              },
              "Access-Control-Allow-Methods": {
                "description": "`GET, OPTIONS`.",
                "schema": {
                  "type": "string"
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          }
        },
        "parameters": [
          {
            "name": "prefix",
            "in": "path",
            "required": true,
            "description": "Any handle prefix: a preflight is answered whatever the handle (the GET then says whether it is one).",
            "schema": {
              "type": "string"
            },
            "example": "86.1.1"
          },
          {
            "name": "suffix",
            "in": "path",
            "required": true,
            "description": "Any rest of the handle.",
            "schema": {
              "type": "string"
            },
            "example": "gpu-0"
          }
        ]
      }
    },
    "/v1/quotes": {
      "post": {
        "tags": [
          "Market"
        ],
        "summary": "Ask for offers whose capacity is held",
        "operationId": "createQuote",
        "description": "A consumer's token. Up to `max_offers` placements for the task, ranked by its objective, each held (nobody else can take the units) until `expires_at`; within a second after it the units are free again by themselves. A spec that no registered resource could ever satisfy is 422, as for `POST /v1/tasks`.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/QuoteRequest"
              },
              "example": {
                "name": "train",
                "units": 8,
                "accept": [
                  {
                    "kind": "gpu",
                    "run": {
                      "command": [
                        "python",
                        "train.py"
                      ]
                    }
                  }
                ],
                "data_location": "city.shanghai",
                "max_rtt_ms": 20,
                "duration_s": 3600,
                "hold_s": 30,
                "max_offers": 2
              }
            }
          }
        },
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "201": {
            "description": "The quote and its held offers.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/QuoteRecord"
                },
                "example": {
                  "id": "q3",
                  "consumer": "c1",
                  "state": "open",
                  "created_at": "2026-11-21T22:30:00.000Z",
                  "expires_at": "2026-11-21T22:30:30.000Z",
                  "offers": [
                    {
                      "id": "o1",
                      "placement": {
                        "alternative": 0,
                        "parts": [
                          {
                            "resource": "86.1.7/zjk-a/gpu-node-17",
                            "units": 8,
                            "price_fen_per_unit_hour": 900,
                            "rtt_ms": 6.1,
                            "renewable": 0.72
                          }
                        ]
                      },
                      "price_fen_per_unit_hour": 900,
                      "estimated_cost_fen": 7200,
                      "estimated_start": "2026-11-21T22:30:00.000Z",
                      "rtt_ms": 6.1,
                      "renewable": 0.72,
                      "reliability": null,
                      "price_fen_per_standard_hour": null
                    },
                    {
                      "id": "o2",
                      "placement": {
                        "alternative": 0,
                        "parts": [
                          {
                            "resource": "86.1.9/wh-b/gpu-node-3",
                            "units": 8,
                            "price_fen_per_unit_hour": 950,
                            "rtt_ms": 9.4,
                            "renewable": 0.4
                          }
                        ]
                      },
                      "price_fen_per_unit_hour": 950,
                      "estimated_cost_fen": 7600,
                      "estimated_start": "2026-11-21T22:30:00.000Z",
                      "rtt_ms": 9.4,
                      "renewable": 0.4,
                      "reliability": null,
                      "price_fen_per_standard_hour": null
                    }
                  ],
                  "task": null
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/quotes/{id}": {
      "parameters": [
        {
          "$ref": "#/components/parameters/QuoteID"
        }
      ],
      "delete": {
        "tags": [
          "Market"
        ],
        "summary": "Release a quote early",
        "operationId": "releaseQuote",
        "description": "The quote's consumer or the operator (others get 404): every offer's units are free at once. 410 if it already expired or was released, 409 if accepted.",
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The quote, now released.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/QuoteRecord"
                },
                "example": {
                  "id": "q3",
                  "consumer": "c1",
                  "state": "released",
                  "created_at": "2026-11-21T22:30:00.000Z",
                  "expires_at": "2026-11-21T22:30:30.000Z",
                  "offers": [
                    {
                      "id": "o1",
                      "placement": {
                        "alternative": 0,
                        "parts": [
                          {
                            "resource": "86.1.7/zjk-a/gpu-node-17",
                            "units": 8,
                            "price_fen_per_unit_hour": 900,
                            "rtt_ms": 6.1,
                            "renewable": 0.72
                          }
                        ]
                      },
                      "price_fen_per_unit_hour": 900,
                      "estimated_cost_fen": 7200,
                      "estimated_start": "2026-11-21T22:30:00.000Z",
                      "rtt_ms": 6.1,
                      "renewable": 0.72,
                      "reliability": null,
                      "price_fen_per_standard_hour": null
                    },
                    {
                      "id": "o2",
                      "placement": {
                        "alternative": 0,
                        "parts": [
                          {
                            "resource": "86.1.9/wh-b/gpu-node-3",
                            "units": 8,
                            "price_fen_per_unit_hour": 950,
                            "rtt_ms": 9.4,
                            "renewable": 0.4
                          }
                        ]
                      },
                      "price_fen_per_unit_hour": 950,
                      "estimated_cost_fen": 7600,
                      "estimated_start": "2026-11-21T22:30:00.000Z",
                      "rtt_ms": 9.4,
                      "renewable": 0.4,
                      "reliability": null,
                      "price_fen_per_standard_hour": null
                    }
                  ],
                  "task": null
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "410": {
            "$ref": "#/components/responses/Gone"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/quotes/{id}/accept": {
      "parameters": [
        {
          "$ref": "#/components/parameters/QuoteID"
        }
      ],
      "post": {
        "tags": [
          "Market"
        ],
        "summary": "Accept an offer",
        "operationId": "acceptQuote",
        "description": "The quote's consumer (others get 404). The task is scheduled on exactly the offer's placement at exactly its prices; the other offers' holds are released at once. 410 once the quote expired (or was released), 409 if already accepted, 422 for an offer the quote does not have.",
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/QuoteAcceptance"
              },
              "example": {
                "offer": "o1"
              }
            }
          }
        },
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "201": {
            "description": "The task, scheduled as offered.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TaskSubmission"
                },
                "example": {
                  "id": "t7",
                  "state": "scheduled",
                  "placement": {
                    "alternative": 0,
                    "parts": [
                      {
                        "resource": "86.1.7/zjk-a/gpu-node-17",
                        "units": 8,
                        "price_fen_per_unit_hour": 900,
                        "rtt_ms": 6.1,
                        "renewable": 0.72
                      }
                    ]
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "410": {
            "$ref": "#/components/responses/Gone"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/bills": {
      "get": {
        "tags": [
          "Market"
        ],
        "summary": "A month's bill",
        "operationId": "bills",
        "description": "Consumers read their own bill; the operator and auditors any consumer's, or everyone's without `consumer`. One line per metered task part that ended in the month, at its charge.",
        "parameters": [
          {
            "name": "consumer",
            "in": "query",
            "required": false,
            "description": "Only this consumer's parts (consumers: their own).",
            "schema": {
              "type": "string"
            },
            "example": "c1"
          },
          {
            "name": "month",
            "in": "query",
            "required": false,
            "description": "`YYYY-MM` (UTC); the current month if absent or empty.",
            "schema": {
              "anyOf": [
                {
                  "type": "string",
                  "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"
                },
                {
                  "type": "string",
                  "const": ""
                }
              ]
            },
            "example": "2026-11"
          }
        ],
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The lines and their totals (JSON, or CSV with `Accept: text/csv`).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Statement"
                }
              },
              "text/csv": {
                "schema": {
                  "type": "string",
                  "description": "With `Accept: text/csv`: RFC 4180, a header row of the line fields, one row per line."
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/v1/payouts": {
      "get": {
        "tags": [
          "Market"
        ],
        "summary": "A month's payout",
        "operationId": "payouts",
        "description": "Providers read their own payout; the operator and auditors any provider's, or everyone's. One line per metered part that ended in the month: the charge, the platform fee and the payout. Σ bills = Σ payouts + Σ fees, to the fen.",
        "parameters": [
          {
            "name": "provider",
            "in": "query",
            "required": false,
            "description": "Only this provider's parts (providers: their own).",
            "schema": {
              "type": "string"
            },
            "example": "86.1.7"
          },
          {
            "name": "month",
            "in": "query",
            "required": false,
            "description": "`YYYY-MM` (UTC); the current month if absent or empty.",
            "schema": {
              "anyOf": [
                {
                  "type": "string",
                  "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"
                },
                {
                  "type": "string",
                  "const": ""
                }
              ]
            },
            "example": "2026-11"
          }
        ],
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The lines and their totals (JSON, or CSV with `Accept: text/csv`).",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Statement"
                }
              },
              "text/csv": {
                "schema": {
                  "type": "string",
                  "description": "With `Accept: text/csv`: RFC 4180, a header row of the line fields, one row per line."
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          }
        }
      }
    },
    "/v1/consumers/{id}/budget": {
      "parameters": [
        {
          "$ref": "#/components/parameters/ConsumerID"
        }
      ],
      "get": {
        "tags": [
          "Market"
        ],
        "summary": "A consumer's budget, quotas and spending",
        "operationId": "consumerBudget",
        "description": "The consumer itself, the operator and auditors.",
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The consumer's account.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ConsumerAccount"
                },
                "example": {
                  "consumer": "c1",
                  "budget_fen": 1000,
                  "spent_fen": 0,
                  "reserved_fen": 600,
                  "remaining_fen": 400,
                  "quotas": {
                    "gpu": 8
                  },
                  "in_use": {
                    "gpu": 1
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          }
        }
      },
      "put": {
        "tags": [
          "Market"
        ],
        "summary": "Set a consumer's budget",
        "operationId": "setConsumerBudget",
        "description": "Operator token. `{\"fen\":null}` removes the budget. When the budget no longer covers what is spent and reserved, the consumer's queued tasks are cancelled, newest first, until it does; running work goes on.",
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/BudgetUpdate"
              },
              "example": {
                "fen": 100000
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The consumer's account.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ConsumerAccount"
                },
                "example": {
                  "consumer": "c1",
                  "budget_fen": 1000,
                  "spent_fen": 0,
                  "reserved_fen": 600,
                  "remaining_fen": 400,
                  "quotas": {
                    "gpu": 8
                  },
                  "in_use": {
                    "gpu": 1
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/consumers/{id}/quotas": {
      "parameters": [
        {
          "$ref": "#/components/parameters/ConsumerID"
        }
      ],
      "get": {
        "tags": [
          "Market"
        ],
        "summary": "A consumer's budget, quotas and spending",
        "operationId": "consumerQuotas",
        "description": "The consumer itself, the operator and auditors.",
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "The consumer's account.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ConsumerAccount"
                },
                "example": {
                  "consumer": "c1",
                  "budget_fen": 1000,
                  "spent_fen": 0,
                  "reserved_fen": 600,
                  "remaining_fen": 400,
                  "quotas": {
                    "gpu": 8
                  },
                  "in_use": {
                    "gpu": 1
                  }
                }
              }
            }
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          }
        }
      },
      "put": {
        "tags": [
          "Market"
        ],
        "summary": "Set a consumer's unit quotas",
        "operationId": "setConsumerQuotas",
        "description": "Operator token. Replaces the quotas: units per kind that the consumer's unfinished tasks may hold; a task past one is refused with 409 `quota_exceeded`.",
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/QuotaUpdate"
              },
              "example": {
                "gpu": 16,
                "npu": 8
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The consumer's account.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/ConsumerAccount"
                },
                "example": {
                  "consumer": "c1",
                  "budget_fen": 1000,
                  "spent_fen": 0,
                  "reserved_fen": 600,
                  "remaining_fen": 400,
                  "quotas": {
                    "gpu": 8
                  },
                  "in_use": {
                    "gpu": 1
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/federation/claims": {
      "parameters": [
        {
          "name": "Suanli-Peer",
          "in": "header",
          "required": false,
          "description": "The calling platform's prefix.",
          "schema": {
            "$ref": "#/components/schemas/Prefix"
          }
        },
        {
          "name": "Suanli-Timestamp",
          "in": "header",
          "required": false,
          "description": "Unix time in whole seconds when the request was signed.",
          "schema": {
            "type": "string",
            "pattern": "^[0-9]{1,12}$"
          }
        },
        {
          "name": "Suanli-Nonce",
          "in": "header",
          "required": false,
          "description": "A value used once: 16–64 characters of A–Z, a–z, 0–9, - and _.",
          "schema": {
            "type": "string",
            "pattern": "^[A-Za-z0-9_-]{16,64}$"
          }
        },
        {
          "name": "Suanli-Signature",
          "in": "header",
          "required": false,
          "description": "Ed25519 signature (standard base64) of the canonical bytes (docs/federation.md).",
          "schema": {
            "type": "string"
          }
        }
      ],
      "post": {
        "tags": [
          "Federation"
        ],
        "summary": "Claim capacity at the owning platform (signed peer call)",
        "operationId": "federationClaim",
        "description": "A home platform asks the owner of `resource` to run the task on exactly that resource now. The owner's engine decides: the units are held and become the task, or the claim is refused with 409 `claim_lost` (the home tries its next candidate). Only for resources under the owner's own prefix (403 `outside_delegation`), only from a platform of the federation whose delegated key signed the call (401 `unknown_peer`, `signature_invalid`). The task runs for a consumer that stands for the home platform (`platform PREFIX`), metered like any other.",
        "security": [
          {}
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/FederationClaim"
              },
              "example": {
                "resource": "86.1.1.2/core",
                "spec": {
                  "name": "remote",
                  "units": 1,
                  "accept": [
                    {
                      "kind": "cpu",
                      "run": {
                        "command": [
                          "sh",
                          "-c",
                          "echo hello"
                        ]
                      }
                    }
                  ]
                },
                "home_task": "86.1-f1-3a9c0d12"
              }
            }
          }
        },
        "responses": {
          "201": {
            "description": "Placed on the resource.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TaskSubmission"
                },
                "example": {
                  "id": "t7",
                  "state": "scheduled",
                  "placement": {
                    "alternative": 0,
                    "parts": [
                      {
                        "resource": "86.1.7/zjk-a/gpu-node-17",
                        "units": 8,
                        "price_fen_per_unit_hour": 900,
                        "rtt_ms": 6.1,
                        "renewable": 0.72
                      }
                    ]
                  }
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/PeerRefused"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/federation/claims/{id}": {
      "parameters": [
        {
          "name": "Suanli-Peer",
          "in": "header",
          "required": false,
          "description": "The calling platform's prefix.",
          "schema": {
            "$ref": "#/components/schemas/Prefix"
          }
        },
        {
          "name": "Suanli-Timestamp",
          "in": "header",
          "required": false,
          "description": "Unix time in whole seconds when the request was signed.",
          "schema": {
            "type": "string",
            "pattern": "^[0-9]{1,12}$"
          }
        },
        {
          "name": "Suanli-Nonce",
          "in": "header",
          "required": false,
          "description": "A value used once: 16–64 characters of A–Z, a–z, 0–9, - and _.",
          "schema": {
            "type": "string",
            "pattern": "^[A-Za-z0-9_-]{16,64}$"
          }
        },
        {
          "name": "Suanli-Signature",
          "in": "header",
          "required": false,
          "description": "Ed25519 signature (standard base64) of the canonical bytes (docs/federation.md).",
          "schema": {
            "type": "string"
          }
        },
        {
          "name": "id",
          "in": "path",
          "required": true,
          "description": "The task's id at the owning platform (as the claim answered it).",
          "schema": {
            "type": "string",
            "minLength": 1,
            "maxLength": 200
          }
        }
      ],
      "get": {
        "tags": [
          "Federation"
        ],
        "summary": "A claimed task as its owner runs it (signed peer call)",
        "operationId": "federationClaimedTask",
        "description": "Only the platform that claimed it (its tasks run for its consumer here); others get 404.",
        "security": [
          {}
        ],
        "responses": {
          "200": {
            "description": "The task.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TaskRecord"
                },
                "example": {
                  "id": "t7",
                  "name": "train",
                  "consumer": "c1",
                  "state": "scheduled",
                  "priority": 0,
                  "placement": {
                    "alternative": 0,
                    "parts": [
                      {
                        "resource": "86.1.7/zjk-a/gpu-node-17",
                        "units": 8,
                        "price_fen_per_unit_hour": 900,
                        "rtt_ms": 6.1,
                        "renewable": 0.72
                      }
                    ]
                  },
                  "spec": {
                    "name": "train",
                    "priority": 0,
                    "units": 8,
                    "gang": true,
                    "accept": [
                      {
                        "kind": "gpu",
                        "arch": "x86_64",
                        "min_memory_gib": 40,
                        "run": {
                          "command": [
                            "python",
                            "train.py"
                          ],
                          "env": {}
                        }
                      },
                      {
                        "kind": "npu",
                        "model": "Huawei Ascend 910B",
                        "run": {
                          "command": [
                            "python",
                            "train_npu.py"
                          ],
                          "env": {}
                        }
                      }
                    ],
                    "data_location": "city.shanghai",
                    "max_rtt_ms": 20,
                    "max_price_fen_per_unit_hour": 1000,
                    "min_renewable": 0.3,
                    "duration_s": 3600,
                    "max_retries": 2,
                    "objective": {
                      "price": 1,
                      "latency": 0.25,
                      "carbon": 0.25
                    },
                    "consumer": "c1"
                  },
                  "created_at": "2026-11-21T22:30:00.000Z",
                  "updated_at": "2026-11-21T22:30:00.000Z",
                  "events": [
                    {
                      "state": "queued",
                      "at": "2026-11-21T22:30:00.000Z"
                    },
                    {
                      "state": "scheduled",
                      "at": "2026-11-21T22:30:00.000Z",
                      "message": "capacity appeared"
                    }
                  ]
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/PeerRefused"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      },
      "delete": {
        "tags": [
          "Federation"
        ],
        "summary": "Cancel a claimed task (signed peer call)",
        "operationId": "federationCancelClaim",
        "description": "Only the platform that claimed it; others get 404. 409 once the task is final.",
        "security": [
          {}
        ],
        "responses": {
          "200": {
            "description": "The task after cancelling.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/TaskRecord"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/PeerRefused"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/federation/claims/{id}/explain": {
      "parameters": [
        {
          "name": "Suanli-Peer",
          "in": "header",
          "required": false,
          "description": "The calling platform's prefix.",
          "schema": {
            "$ref": "#/components/schemas/Prefix"
          }
        },
        {
          "name": "Suanli-Timestamp",
          "in": "header",
          "required": false,
          "description": "Unix time in whole seconds when the request was signed.",
          "schema": {
            "type": "string",
            "pattern": "^[0-9]{1,12}$"
          }
        },
        {
          "name": "Suanli-Nonce",
          "in": "header",
          "required": false,
          "description": "A value used once: 16–64 characters of A–Z, a–z, 0–9, - and _.",
          "schema": {
            "type": "string",
            "pattern": "^[A-Za-z0-9_-]{16,64}$"
          }
        },
        {
          "name": "Suanli-Signature",
          "in": "header",
          "required": false,
          "description": "Ed25519 signature (standard base64) of the canonical bytes (docs/federation.md).",
          "schema": {
            "type": "string"
          }
        },
        {
          "name": "id",
          "in": "path",
          "required": true,
          "description": "The task's id at the owning platform (as the claim answered it).",
          "schema": {
            "type": "string",
            "minLength": 1,
            "maxLength": 200
          }
        }
      ],
      "get": {
        "tags": [
          "Federation"
        ],
        "summary": "How the owner placed a claimed task (signed peer call)",
        "operationId": "federationClaimExplanation",
        "description": "Only the platform that claimed it; others get 404.",
        "security": [
          {}
        ],
        "responses": {
          "200": {
            "description": "The explanation.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Explanation"
                },
                "example": {
                  "verdict": "queued",
                  "resources": 1000,
                  "steps": [
                    {
                      "constraint": "accept.kind",
                      "removed": 586,
                      "remaining": 414
                    },
                    {
                      "constraint": "free_units",
                      "removed": 414,
                      "remaining": 0
                    }
                  ],
                  "message": "no gpu has 8 free units now; the most free has 4",
                  "queue_position": 1
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/PeerRefused"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/federation/claims/{id}/logs": {
      "parameters": [
        {
          "name": "Suanli-Peer",
          "in": "header",
          "required": false,
          "description": "The calling platform's prefix.",
          "schema": {
            "$ref": "#/components/schemas/Prefix"
          }
        },
        {
          "name": "Suanli-Timestamp",
          "in": "header",
          "required": false,
          "description": "Unix time in whole seconds when the request was signed.",
          "schema": {
            "type": "string",
            "pattern": "^[0-9]{1,12}$"
          }
        },
        {
          "name": "Suanli-Nonce",
          "in": "header",
          "required": false,
          "description": "A value used once: 16–64 characters of A–Z, a–z, 0–9, - and _.",
          "schema": {
            "type": "string",
            "pattern": "^[A-Za-z0-9_-]{16,64}$"
          }
        },
        {
          "name": "Suanli-Signature",
          "in": "header",
          "required": false,
          "description": "Ed25519 signature (standard base64) of the canonical bytes (docs/federation.md).",
          "schema": {
            "type": "string"
          }
        },
        {
          "name": "id",
          "in": "path",
          "required": true,
          "description": "The task's id at the owning platform (as the claim answered it).",
          "schema": {
            "type": "string",
            "minLength": 1,
            "maxLength": 200
          }
        }
      ],
      "get": {
        "tags": [
          "Federation"
        ],
        "summary": "A claimed task's output (signed peer call)",
        "operationId": "federationClaimedTaskLogs",
        "description": "Only the platform that claimed it; others get 404.",
        "security": [
          {}
        ],
        "parameters": [
          {
            "name": "stream",
            "in": "query",
            "required": false,
            "description": "Which stream (default stdout).",
            "schema": {
              "type": "string",
              "enum": [
                "stdout",
                "stderr"
              ]
            }
          },
          {
            "name": "tail",
            "in": "query",
            "required": false,
            "description": "Only the last N lines.",
            "schema": {
              "type": "integer",
              "minimum": 1,
              "maximum": 100000
            }
          },
          {
            "name": "attempt",
            "in": "query",
            "required": false,
            "description": "Which attempt (default the current one).",
            "schema": {
              "type": "integer",
              "minimum": 1
            }
          }
        ],
        "responses": {
          "200": {
            "description": "The output.",
            "content": {
              "text/plain": {
                "schema": {
                  "type": "string"
                },
                "example": "hello\n"
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/PeerRefused"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/federation/aggregate": {
      "parameters": [
        {
          "name": "Suanli-Peer",
          "in": "header",
          "required": false,
          "description": "The calling platform's prefix.",
          "schema": {
            "$ref": "#/components/schemas/Prefix"
          }
        },
        {
          "name": "Suanli-Timestamp",
          "in": "header",
          "required": false,
          "description": "Unix time in whole seconds when the request was signed.",
          "schema": {
            "type": "string",
            "pattern": "^[0-9]{1,12}$"
          }
        },
        {
          "name": "Suanli-Nonce",
          "in": "header",
          "required": false,
          "description": "A value used once: 16–64 characters of A–Z, a–z, 0–9, - and _.",
          "schema": {
            "type": "string",
            "pattern": "^[A-Za-z0-9_-]{16,64}$"
          }
        },
        {
          "name": "Suanli-Signature",
          "in": "header",
          "required": false,
          "description": "Ed25519 signature (standard base64) of the canonical bytes (docs/federation.md).",
          "schema": {
            "type": "string"
          }
        }
      ],
      "post": {
        "tags": [
          "Federation"
        ],
        "summary": "A child's resource changes (signed peer call)",
        "operationId": "federationAggregate",
        "description": "The changes of the child's subtree since the generation the parent acknowledged last (`base`; 0: a full snapshot). Every record must lie under the child's delegated prefix (`403 outside_delegation`, nothing applied); a `base` the parent does not hold is `409 resync` (the child then sends a snapshot). docs/aggregation.md.",
        "security": [
          {}
        ],
        "requestBody": {
          "required": true,
          "content": {
            "application/json": {
              "schema": {
                "$ref": "#/components/schemas/AggregationPush"
              },
              "example": {
                "prefix": "86.1.1",
                "base": 41,
                "generation": 42,
                "upserts": [],
                "removes": [
                  "86.1.1.3/old-node"
                ]
              }
            }
          }
        },
        "responses": {
          "200": {
            "description": "The generation the parent now holds.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/AggregationAck"
                },
                "example": {
                  "generation": 42
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/PeerRefused"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "409": {
            "$ref": "#/components/responses/Conflict"
          },
          "413": {
            "$ref": "#/components/responses/PayloadTooLarge"
          },
          "422": {
            "$ref": "#/components/responses/ValidationFailed"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/federation/claims/{id}/usage": {
      "parameters": [
        {
          "name": "Suanli-Peer",
          "in": "header",
          "required": false,
          "description": "The calling platform's prefix.",
          "schema": {
            "$ref": "#/components/schemas/Prefix"
          }
        },
        {
          "name": "Suanli-Timestamp",
          "in": "header",
          "required": false,
          "description": "Unix time in whole seconds when the request was signed.",
          "schema": {
            "type": "string",
            "pattern": "^[0-9]{1,12}$"
          }
        },
        {
          "name": "Suanli-Nonce",
          "in": "header",
          "required": false,
          "description": "A value used once: 16–64 characters of A–Z, a–z, 0–9, - and _.",
          "schema": {
            "type": "string",
            "pattern": "^[A-Za-z0-9_-]{16,64}$"
          }
        },
        {
          "name": "Suanli-Signature",
          "in": "header",
          "required": false,
          "description": "Ed25519 signature (standard base64) of the canonical bytes (docs/federation.md).",
          "schema": {
            "type": "string"
          }
        },
        {
          "name": "id",
          "in": "path",
          "required": true,
          "description": "The task's id at the owning platform (as the claim answered it).",
          "schema": {
            "type": "string",
            "minLength": 1,
            "maxLength": 200
          }
        }
      ],
      "get": {
        "tags": [
          "Federation"
        ],
        "summary": "A claimed task's usage, signed (signed peer call)",
        "operationId": "federationClaimedTaskUsage",
        "description": "Only the platform that claimed it; others get 404. Every metered part of the task as this platform (its owner) metered it under the claiming platform as its customer, in a statement signed with this platform's Ed25519 key. The home stores it for settlement (GET /v1/federation/settlements).",
        "security": [
          {}
        ],
        "responses": {
          "200": {
            "description": "The statement, exactly as signed, and its signature.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/SignedUsageStatement"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/PeerRefused"
          },
          "404": {
            "$ref": "#/components/responses/NotFound"
          },
          "429": {
            "$ref": "#/components/responses/TooManyRequests"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    },
    "/v1/federation/settlements": {
      "get": {
        "tags": [
          "Federation"
        ],
        "summary": "What this platform and a peer owe each other for a month",
        "operationId": "federationSettlement",
        "description": "Operator and auditors. Receivable: usage this platform metered for the peer's tasks (claims it took). Payable: usage the peer metered for tasks this platform placed there, from the peer's signed statements (fetched and stored first, for tasks that have ended). Both sides' figures agree to the fen. A stored statement whose signature fails (tampered), that names a task never placed there (unknown) or that counts a part twice (duplicated) is listed under disputed and not counted. Parts belong to the month their end falls in (UTC), as on bills.",
        "parameters": [
          {
            "name": "peer",
            "in": "query",
            "required": true,
            "description": "The other platform's prefix.",
            "schema": {
              "$ref": "#/components/schemas/Prefix"
            },
            "example": "86.1.2"
          },
          {
            "name": "month",
            "in": "query",
            "required": false,
            "description": "`YYYY-MM` (UTC); the current month if absent or empty.",
            "schema": {
              "anyOf": [
                {
                  "type": "string",
                  "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"
                },
                {
                  "type": "string",
                  "const": ""
                }
              ]
            },
            "example": "2026-11"
          }
        ],
        "security": [
          {
            "bearerAuth": []
          }
        ],
        "responses": {
          "200": {
            "description": "Both directions, their lines, disputes and tasks still pending.",
            "content": {
              "application/json": {
                "schema": {
                  "$ref": "#/components/schemas/Settlement"
                }
              }
            }
          },
          "400": {
            "$ref": "#/components/responses/BadRequest"
          },
          "401": {
            "$ref": "#/components/responses/Unauthorized"
          },
          "403": {
            "$ref": "#/components/responses/Forbidden"
          },
          "503": {
            "$ref": "#/components/responses/Unavailable"
          }
        }
      }
    }
  },
  "components": {
    "securitySchemes": {
      "bearerAuth": {
        "type": "http",
        "scheme": "bearer",
        "description": "The operator token (generated on first start into DATA/operator-token, or set with `serve --operator-token`), a provider's token (from `POST /v1/providers`) or a consumer's token (from `POST /v1/consumers`). Reads need none unless the platform runs with `--read-access token`; an unknown token is 401 everywhere."
      }
    },
    "parameters": {
      "Prefix": {
        "name": "prefix",
        "in": "path",
        "required": true,
        "description": "A provider's prefix.",
        "schema": {
          "$ref": "#/components/schemas/Prefix"
        },
        "example": "86.1.1"
      },
      "IdentifierPrefix": {
        "name": "prefix",
        "in": "path",
        "required": true,
        "description": "The identifier's prefix (the text before its first `/`).",
        "schema": {
          "$ref": "#/components/schemas/Prefix"
        },
        "example": "86.1.1"
      },
      "IdentifierSuffix": {
        "name": "suffix",
        "in": "path",
        "required": true,
        "description": "The identifier's suffix. It may span several `/`-separated segments (`zjk-a/gpu-node-17`), sent as they are: OpenAPI cannot express a parameter that spans segments, so this document describes a one-segment suffix; the server takes the whole rest of the path. An escaped slash (`%2F`) is refused.",
        "schema": {
          "type": "string",
          "minLength": 1,
          "maxLength": 128,
          "pattern": "^[A-Za-z0-9._~:-]+$"
        },
        "example": "gpu-0"
      },
      "TaskID": {
        "name": "id",
        "in": "path",
        "required": true,
        "description": "A task id (`t` and a number).",
        "schema": {
          "type": "string",
          "minLength": 1
        },
        "example": "t4"
      },
      "TokenID": {
        "name": "id",
        "in": "path",
        "required": true,
        "description": "A token id (`GET /v1/tokens`).",
        "schema": {
          "type": "string",
          "minLength": 1
        },
        "example": "tk_3f9a1c2b7d4e5f60"
      },
      "Hops": {
        "name": "Suanli-Hops",
        "in": "header",
        "required": false,
        "description": "How many platforms have forwarded this request so far (set by platforms, not clients); at 8 the answer is `400 hop_limit`.",
        "schema": {
          "type": "integer",
          "minimum": 0,
          "maximum": 7
        }
      },
      "QuoteID": {
        "name": "id",
        "in": "path",
        "required": true,
        "description": "A quote id (`q` and a number).",
        "schema": {
          "type": "string",
          "minLength": 1
        },
        "example": "q3"
      },
      "ConsumerID": {
        "name": "id",
        "in": "path",
        "required": true,
        "description": "A consumer id (`c` and a number).",
        "schema": {
          "type": "string",
          "minLength": 1
        },
        "example": "c1"
      }
    },
    "responses": {
      "BadRequest": {
        "description": "`bad_request` (malformed JSON, wrong types, missing fields, bad query parameters, a path with an empty or dot segment) or `invalid_identifier`.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/APIErrorBody"
            }
          }
        }
      },
      "Unauthorized": {
        "description": "`unauthorized`: a token is needed and none was sent, the token is unknown, or the `Authorization` header is not `Bearer TOKEN`; `token_revoked` / `token_expired`: the token was revoked or has expired (on every route, reads included).",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/APIErrorBody"
            }
          }
        },
        "headers": {
          "WWW-Authenticate": {
            "description": "`Bearer`.",
            "schema": {
              "type": "string",
              "const": "Bearer"
            }
          }
        }
      },
      "Forbidden": {
        "description": "`forbidden`: the token is valid but may not do this.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/APIErrorBody"
            }
          }
        }
      },
      "NotFound": {
        "description": "`not_found`.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/APIErrorBody"
            }
          }
        }
      },
      "Conflict": {
        "description": "`conflict`: the request conflicts with the platform's state.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/APIErrorBody"
            }
          }
        }
      },
      "PayloadTooLarge": {
        "description": "`payload_too_large`: a body over the platform's limit (4 MiB by default) or too many items in one call.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/APIErrorBody"
            }
          }
        }
      },
      "ValidationFailed": {
        "description": "`validation_failed`: well-formed, but a field breaks a rule; the message names it.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/APIErrorBody"
            }
          }
        }
      },
      "TooManyRequests": {
        "description": "`rate_limited`: this client (its token, else its address) sent more requests of this class (resolve, discovery, writes, agent) than the platform's limit (`serve --rate-limit`; by default discovery only); nothing was done.",
        "headers": {
          "Retry-After": {
            "description": "Whole seconds to wait before retrying (at least 1).",
            "schema": {
              "type": "integer",
              "minimum": 1
            }
          }
        },
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/APIErrorBody"
            }
          }
        }
      },
      "Unavailable": {
        "description": "`unavailable`: storage failed or the platform is shutting down; nothing was applied, retry.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/APIErrorBody"
            }
          }
        }
      },
      "PeerRefused": {
        "description": "`signature_missing`, `unknown_peer`, `signature_invalid`, `request_expired`, `replayed_request` (a signed peer call refused, docs/federation.md) or `unauthorized` (a wrong join token).",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/APIErrorBody"
            }
          }
        }
      },
      "BadGateway": {
        "description": "`bad_peer_answer` or `outside_delegation`: another platform of the federation answered something this one refuses.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/APIErrorBody"
            }
          }
        }
      },
      "Gone": {
        "description": "`gone`: it existed but has ended for good (an expired or released quote).",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/APIErrorBody"
            }
          }
        }
      },
      "PaymentRequired": {
        "description": "`budget_exceeded`: the task's worst-case cost (units × price × `duration_s`) exceeds what is left of its consumer's budget; the message names the numbers.",
        "content": {
          "application/json": {
            "schema": {
              "$ref": "#/components/schemas/APIErrorBody"
            },
            "example": {
              "error": {
                "code": "budget_exceeded",
                "message": "the worst-case cost of this task is 600 fen (1 units × 3600 fen per unit-hour × 600 s) but consumer c1 has 400 fen left of its budget of 1000 (spent 0, reserved by unfinished tasks 600)"
              }
            }
          }
        }
      }
    },
    "schemas": {
      "APIErrorBody": {
        "type": "object",
        "description": "Every failure: `{\"error\":{\"code\",\"message\"}}`.",
        "properties": {
          "error": {
            "type": "object",
            "properties": {
              "code": {
                "type": "string",
                "description": "A stable machine code; new codes may be added.",
                "examples": [
                  "bad_request",
                  "invalid_identifier",
                  "unauthorized",
                  "token_expired",
                  "token_revoked",
                  "forbidden",
                  "not_found",
                  "conflict",
                  "payload_too_large",
                  "validation_failed",
                  "unavailable",
                  "gone"
                ]
              },
              "message": {
                "type": "string",
                "description": "What went wrong and how to fix it; names the field at fault where there is one."
              }
            },
            "required": [
              "code",
              "message"
            ],
            "additionalProperties": false
          }
        },
        "required": [
          "error"
        ],
        "additionalProperties": false
      },
      "Timestamp": {
        "type": "string",
        "description": "RFC 3339 UTC with milliseconds, e.g. `2026-11-21T22:30:00.125Z` (years 0001–9999). Requests may also give a `±HH:MM` offset and any number of fraction digits.",
        "format": "date-time",
        "examples": [
          "2026-11-21T22:30:00.125Z"
        ]
      },
      "Prefix": {
        "type": "string",
        "description": "An identifier prefix: 1–8 dot-separated decimal segments, each `0` or 1–9 digits without a leading zero (see docs/identifiers.md).",
        "pattern": "^(0|[1-9][0-9]{0,8})(\\.(0|[1-9][0-9]{0,8})){0,7}$",
        "examples": [
          "86.1.7"
        ]
      },
      "Identifier": {
        "type": "string",
        "description": "A resource identifier `PREFIX/SUFFIX` (at most 160 bytes); the suffix is 1–128 bytes of `A–Z a–z 0–9 - . _ ~ : /` without empty, `.` or `..` segments (see docs/identifiers.md).",
        "maxLength": 160,
        "pattern": "^(0|[1-9][0-9]{0,8})(\\.(0|[1-9][0-9]{0,8})){0,7}/[A-Za-z0-9._~:-]+(/[A-Za-z0-9._~:-]+)*$",
        "examples": [
          "86.1.7/zjk-a/gpu-node-17"
        ]
      },
      "LocationCode": {
        "type": "string",
        "description": "A location of the national topology (`GET /v1/topology` lists them with coordinates); a hub code stands for every location in the hub where a filter takes one.",
        "enum": [
          "hub.jingjinji",
          "hub.yangtze",
          "hub.greater-bay",
          "hub.chengdu-chongqing",
          "hub.inner-mongolia",
          "hub.guizhou",
          "hub.gansu",
          "hub.ningxia",
          "cluster.zhangjiakou",
          "cluster.yangtze-demo-zone",
          "cluster.wuhu",
          "cluster.shaoguan",
          "cluster.tianfu",
          "cluster.chongqing",
          "cluster.horinger",
          "cluster.guian",
          "cluster.qingyang",
          "cluster.zhongwei",
          "city.beijing",
          "city.tianjin",
          "city.shanghai",
          "city.hangzhou",
          "city.nanjing",
          "city.hefei",
          "city.guangzhou",
          "city.shenzhen",
          "city.wuhan",
          "city.changsha",
          "city.zhengzhou",
          "city.chengdu",
          "city.chongqing",
          "city.xian",
          "city.hohhot",
          "city.guiyang",
          "city.lanzhou",
          "city.yinchuan"
        ]
      },
      "ResourceKind": {
        "type": "string",
        "description": "`cpu`, or an accelerator kind.",
        "enum": [
          "cpu",
          "gpu",
          "npu",
          "fpga",
          "asic"
        ]
      },
      "ComputeClass": {
        "type": "string",
        "description": "The class used in statistics: the `class` label when it names one, else `general` for `cpu` and `intelligent` for accelerators.",
        "enum": [
          "general",
          "intelligent",
          "supercomputing",
          "edge"
        ]
      },
      "Precision": {
        "type": "string",
        "description": "A precision for peak-throughput figures.",
        "enum": [
          "fp64",
          "fp32",
          "fp16",
          "int8"
        ]
      },
      "TFLOPS": {
        "type": "object",
        "description": "Peak throughput per unit in TFLOPS (TOPS for `int8`); each figure optional.",
        "properties": {
          "fp64": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0,
            "maximum": 1000000
          },
          "fp32": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0,
            "maximum": 1000000
          },
          "fp16": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0,
            "maximum": 1000000
          },
          "int8": {
            "type": [
              "number",
              "null"
            ],
            "description": "TOPS.",
            "minimum": 0,
            "maximum": 1000000
          }
        }
      },
      "Labels": {
        "type": "object",
        "description": "At most 64 labels; keys 1–63 characters of letters, digits, `_ - . /`; values at most 256 bytes without control characters. The `class` label, if set, must name a compute class.",
        "maxProperties": 64,
        "propertyNames": {
          "pattern": "^[A-Za-z0-9_./-]{1,63}$"
        },
        "additionalProperties": {
          "type": "string",
          "maxLength": 256,
          "pattern": "^[^\\u0000-\\u001f\\u007f]*$"
        },
        "examples": [
          {
            "rack": "r3"
          }
        ]
      },
      "ResourceSpec": {
        "type": "object",
        "description": "What a provider declares about one resource (`PUT /v1/resources/{identifier}`).",
        "properties": {
          "kind": {
            "$ref": "#/components/schemas/ResourceKind"
          },
          "arch": {
            "type": "string",
            "description": "1–32 characters of `a–z 0–9 _ - .` (`x86_64`, `aarch64`, `loongarch64`, …).",
            "pattern": "^[a-z0-9_.-]{1,32}$"
          },
          "model": {
            "type": "string",
            "description": "Free text, at most 128 bytes, no control characters.",
            "maxLength": 128,
            "pattern": "^[^\\u0000-\\u001f\\u007f]*$"
          },
          "units": {
            "type": "integer",
            "description": "Accelerators for accelerator nodes, cores for CPU nodes.",
            "minimum": 1,
            "maximum": 1000000
          },
          "memory_gib": {
            "type": [
              "number",
              "null"
            ],
            "description": "Memory per unit in GiB (default 0).",
            "minimum": 0,
            "maximum": 1000000
          },
          "tflops": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/TFLOPS"
              },
              {
                "type": "null"
              }
            ]
          },
          "location": {
            "$ref": "#/components/schemas/LocationCode"
          },
          "price_fen_per_unit_hour": {
            "type": "integer",
            "description": "Price in fen (1 CNY = 100 fen) per unit-hour.",
            "format": "int64",
            "minimum": 0,
            "maximum": 100000000000
          },
          "labels": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/Labels"
              },
              {
                "type": "null"
              }
            ]
          },
          "renewable": {
            "type": [
              "number",
              "null"
            ],
            "description": "The resource's own renewable share, overriding its provider's.",
            "minimum": 0,
            "maximum": 1
          },
          "pricing": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/ResourcePricing"
              },
              {
                "type": "null"
              }
            ],
            "description": "Absent or null: fixed."
          }
        },
        "required": [
          "kind",
          "arch",
          "model",
          "units",
          "location",
          "price_fen_per_unit_hour"
        ]
      },
      "LiveState": {
        "type": "object",
        "description": "The live state a resource's provider last reported.",
        "properties": {
          "free_units": {
            "type": "integer",
            "description": "Units free now.",
            "minimum": 0
          },
          "healthy": {
            "type": "boolean",
            "description": "Whether the provider reports the resource healthy."
          },
          "utilization": {
            "type": [
              "number",
              "null"
            ],
            "description": "Reported utilisation (0–1); null when never reported.",
            "minimum": 0,
            "maximum": 1
          },
          "heartbeat_at": {
            "$ref": "#/components/schemas/Timestamp",
            "description": "When the last report arrived."
          }
        },
        "required": [
          "free_units",
          "healthy",
          "utilization",
          "heartbeat_at"
        ],
        "additionalProperties": false
      },
      "ResourceRecord": {
        "type": "object",
        "description": "A resource as resolve and discovery return it: the spec, its owner, derived fields and live state.",
        "properties": {
          "id": {
            "$ref": "#/components/schemas/Identifier"
          },
          "provider": {
            "$ref": "#/components/schemas/Prefix",
            "description": "The owning provider's prefix."
          },
          "kind": {
            "$ref": "#/components/schemas/ResourceKind"
          },
          "class": {
            "$ref": "#/components/schemas/ComputeClass"
          },
          "arch": {
            "type": "string"
          },
          "model": {
            "type": "string"
          },
          "units": {
            "type": "integer",
            "minimum": 1
          },
          "memory_gib": {
            "type": "number",
            "minimum": 0
          },
          "tflops": {
            "$ref": "#/components/schemas/TFLOPS"
          },
          "location": {
            "$ref": "#/components/schemas/LocationCode"
          },
          "price_fen_per_unit_hour": {
            "type": "integer",
            "format": "int64",
            "minimum": 0
          },
          "price_fen_per_standard_hour": {
            "type": "number",
            "minimum": 0,
            "description": "Fen per standard TFLOPS-hour: the unit-hour price ÷ (rated peak per unit at the class's precision — general FP32, intelligent and edge FP16, supercomputing FP64 — × the `efficiency` label, if any), rounded to 0.01 fen; the peak is the resource's `tflops`, else the built-in chip table's. Absent when the resource is unrated (see docs/market.md)."
          },
          "labels": {
            "type": "object",
            "additionalProperties": {
              "type": "string"
            }
          },
          "renewable": {
            "type": "number",
            "description": "The renewable share in force: the resource's own, else its provider's.",
            "minimum": 0,
            "maximum": 1
          },
          "version": {
            "type": "integer",
            "description": "Starts at 1 and increases on every change of the record (not of its live state).",
            "minimum": 1
          },
          "created_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "updated_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "state": {
            "$ref": "#/components/schemas/LiveState"
          },
          "available": {
            "type": "boolean",
            "description": "Healthy and reported within 3 × the heartbeat interval."
          },
          "unavailable_reason": {
            "type": "string",
            "description": "Why the resource is unavailable (`stale: last report 34 s ago (limit 30 s)`, `unhealthy: …`); absent when available."
          },
          "rtt_ms": {
            "type": "number",
            "description": "Round-trip time in ms from a discovery query's `near` location (0.1 ms steps); absent otherwise.",
            "minimum": 0
          },
          "platform": {
            "$ref": "#/components/schemas/Prefix",
            "description": "The prefix of the platform that owns the resource (set by resolve, docs/federation.md)."
          },
          "pricing": {
            "$ref": "#/components/schemas/ResourcePricing"
          }
        },
        "required": [
          "id",
          "provider",
          "kind",
          "class",
          "arch",
          "model",
          "units",
          "memory_gib",
          "tflops",
          "location",
          "price_fen_per_unit_hour",
          "labels",
          "renewable",
          "version",
          "created_at",
          "updated_at",
          "state",
          "available"
        ],
        "additionalProperties": false
      },
      "ResourceRecordPage": {
        "type": "object",
        "description": "One page of discovery results.",
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/ResourceRecord"
            }
          },
          "next_cursor": {
            "type": [
              "string",
              "null"
            ],
            "description": "Pass as `cursor` for the next page; null on the last page."
          }
        },
        "required": [
          "items",
          "next_cursor"
        ],
        "additionalProperties": false
      },
      "ResolveBatch": {
        "type": "object",
        "description": "The body of `POST /v1/resolve`.",
        "properties": {
          "ids": {
            "type": "array",
            "description": "At most 10,000 identifiers; one malformed identifier fails the call (400 naming `ids[i]`).",
            "items": {
              "$ref": "#/components/schemas/Identifier"
            },
            "maxItems": 10000
          }
        },
        "required": [
          "ids"
        ]
      },
      "ResolveBatchResult": {
        "type": "object",
        "description": "The answer to `POST /v1/resolve`.",
        "properties": {
          "items": {
            "type": "array",
            "description": "Records in request order, null for identifiers not registered here.",
            "items": {
              "oneOf": [
                {
                  "$ref": "#/components/schemas/ResourceRecord"
                },
                {
                  "type": "null"
                }
              ]
            }
          }
        },
        "required": [
          "items"
        ],
        "additionalProperties": false
      },
      "TelemetryReport": {
        "type": "object",
        "description": "One live-state report for one resource.",
        "properties": {
          "id": {
            "type": "string",
            "description": "The resource's identifier."
          },
          "free_units": {
            "type": "integer",
            "description": "Units free now (0 … the resource's units).",
            "minimum": 0
          },
          "healthy": {
            "type": "boolean"
          },
          "utilization": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0,
            "maximum": 1
          },
          "price_fen_per_unit_hour": {
            "type": [
              "integer",
              "null"
            ],
            "description": "A new price; changes the record (its `version` increases).",
            "format": "int64",
            "minimum": 0,
            "maximum": 100000000000
          }
        },
        "required": [
          "id",
          "free_units",
          "healthy"
        ]
      },
      "TelemetryBatch": {
        "type": "object",
        "description": "The body of `POST /v1/telemetry`.",
        "properties": {
          "reports": {
            "type": "array",
            "description": "At most 10,000 reports; all or nothing.",
            "items": {
              "$ref": "#/components/schemas/TelemetryReport"
            },
            "maxItems": 10000
          }
        },
        "required": [
          "reports"
        ]
      },
      "TelemetryAck": {
        "type": "object",
        "description": "The answer to `POST /v1/telemetry`.",
        "properties": {
          "accepted": {
            "type": "integer",
            "description": "Reports applied.",
            "minimum": 0
          }
        },
        "required": [
          "accepted"
        ],
        "additionalProperties": false
      },
      "ProviderRegistration": {
        "type": "object",
        "description": "The body of `POST /v1/providers`.",
        "properties": {
          "name": {
            "type": "string",
            "description": "1–200 bytes, no control characters.",
            "minLength": 1,
            "maxLength": 200,
            "pattern": "^[^\\u0000-\\u001f\\u007f]*$"
          },
          "contact": {
            "type": "string",
            "description": "1–200 bytes, no control characters.",
            "minLength": 1,
            "maxLength": 200,
            "pattern": "^[^\\u0000-\\u001f\\u007f]*$"
          },
          "location": {
            "$ref": "#/components/schemas/LocationCode"
          },
          "renewable": {
            "type": "number",
            "description": "Renewable-energy share.",
            "minimum": 0,
            "maximum": 1
          },
          "pue": {
            "type": "number",
            "description": "Power usage effectiveness.",
            "minimum": 1,
            "maximum": 5
          }
        },
        "required": [
          "name",
          "contact",
          "location",
          "renewable",
          "pue"
        ]
      },
      "ProviderRecord": {
        "type": "object",
        "description": "A registered provider.",
        "properties": {
          "prefix": {
            "$ref": "#/components/schemas/Prefix"
          },
          "name": {
            "type": "string"
          },
          "contact": {
            "type": "string"
          },
          "location": {
            "$ref": "#/components/schemas/LocationCode"
          },
          "renewable": {
            "type": "number",
            "minimum": 0,
            "maximum": 1
          },
          "pue": {
            "type": "number",
            "minimum": 1
          },
          "created_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "resources": {
            "type": "integer",
            "description": "Resources registered under this prefix.",
            "minimum": 0
          },
          "token": {
            "type": "string",
            "description": "The provider's secret token: only in the answer to registration or rotation."
          },
          "reliability": {
            "$ref": "#/components/schemas/ProviderReliability",
            "description": "In GET /v1/providers and GET /v1/providers/{prefix} answers."
          }
        },
        "required": [
          "prefix",
          "name",
          "contact",
          "location",
          "renewable",
          "pue",
          "created_at",
          "resources"
        ],
        "additionalProperties": false
      },
      "ProviderRecordList": {
        "type": "object",
        "description": "Every provider, in prefix order.",
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/ProviderRecord"
            }
          }
        },
        "required": [
          "items"
        ],
        "additionalProperties": false
      },
      "ConsumerRegistration": {
        "type": "object",
        "description": "The body of `POST /v1/consumers`.",
        "properties": {
          "name": {
            "type": "string",
            "description": "1–200 bytes, no control characters.",
            "minLength": 1,
            "maxLength": 200,
            "pattern": "^[^\\u0000-\\u001f\\u007f]*$"
          },
          "contact": {
            "type": [
              "string",
              "null"
            ],
            "description": "At most 200 bytes, no control characters (default empty).",
            "maxLength": 200,
            "pattern": "^[^\\u0000-\\u001f\\u007f]*$"
          }
        },
        "required": [
          "name"
        ]
      },
      "ConsumerRecord": {
        "type": "object",
        "description": "A registered consumer.",
        "properties": {
          "id": {
            "type": "string",
            "description": "Platform-unique consumer id.",
            "examples": [
              "c1"
            ]
          },
          "name": {
            "type": "string"
          },
          "contact": {
            "type": "string"
          },
          "created_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "token": {
            "type": "string",
            "description": "The consumer's secret token: only in the answer to registration."
          }
        },
        "required": [
          "id",
          "name",
          "contact",
          "created_at"
        ],
        "additionalProperties": false
      },
      "ConsumerRecordList": {
        "type": "object",
        "description": "Every consumer, in id order.",
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/ConsumerRecord"
            }
          }
        },
        "required": [
          "items"
        ],
        "additionalProperties": false
      },
      "WhoAmI": {
        "type": "object",
        "description": "The caller as the platform sees it.",
        "properties": {
          "kind": {
            "type": "string",
            "description": "The kind of token sent.",
            "enum": [
              "operator",
              "provider",
              "consumer",
              "anonymous"
            ]
          },
          "id": {
            "type": "string",
            "description": "The provider's prefix or the consumer's id; absent for the operator and anonymous callers."
          },
          "platform": {
            "$ref": "#/components/schemas/Prefix",
            "description": "This platform's prefix."
          }
        },
        "required": [
          "kind",
          "platform"
        ],
        "additionalProperties": false
      },
      "TaskState": {
        "type": "string",
        "description": "`queued → scheduled → starting → running → succeeded | failed | cancelled`; `lost` when the provider stopped reporting (then queued again or failed); `expired` when a queued task's deadline passed; `rejected` when nothing could ever take it.",
        "enum": [
          "queued",
          "scheduled",
          "starting",
          "running",
          "succeeded",
          "failed",
          "cancelled",
          "lost",
          "expired",
          "rejected"
        ]
      },
      "TaskSpecRun": {
        "type": "object",
        "description": "What the agent executes: `{\"command\":[…],\"env\":{…}}`.",
        "properties": {
          "command": {
            "type": "array",
            "description": "The program and its arguments: 1–256 strings of at most 4096 bytes without NUL; the first names the program.",
            "items": {
              "type": "string"
            },
            "minItems": 1,
            "maxItems": 256
          },
          "env": {
            "type": [
              "object",
              "null"
            ],
            "description": "At most 128 variables; names of letters, digits and `_`, not starting with a digit.",
            "maxProperties": 128,
            "additionalProperties": {
              "type": "string"
            }
          }
        },
        "required": [
          "command"
        ]
      },
      "TaskSpecAlternative": {
        "type": "object",
        "description": "One way to run the task: a kind of resource, optionally narrowed, and what to execute there.",
        "properties": {
          "kind": {
            "$ref": "#/components/schemas/ResourceKind"
          },
          "arch": {
            "type": [
              "string",
              "null"
            ],
            "description": "Required architecture; any if absent.",
            "pattern": "^[a-z0-9_.-]{1,32}$"
          },
          "model": {
            "type": [
              "string",
              "null"
            ],
            "description": "Required hardware model, exactly as registered; any if absent.",
            "maxLength": 128,
            "pattern": "^[^\\u0000-\\u001f\\u007f]*$"
          },
          "min_memory_gib": {
            "type": [
              "number",
              "null"
            ],
            "description": "Minimum memory per unit in GiB.",
            "minimum": 0,
            "maximum": 1000000
          },
          "run": {
            "$ref": "#/components/schemas/TaskSpecRun"
          }
        },
        "required": [
          "kind",
          "run"
        ]
      },
      "TaskSpecObjective": {
        "type": "object",
        "description": "Weights of the placement cost `price·(price / cheapest) + latency·(rtt / 20 ms) + carbon·(1 − renewable)`; at least one positive; missing weights are 0 when the object is given (default `{\"price\":1,\"latency\":0.25,\"carbon\":0.25}`).",
        "properties": {
          "price": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0,
            "maximum": 1000
          },
          "latency": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0,
            "maximum": 1000
          },
          "carbon": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0,
            "maximum": 1000
          }
        }
      },
      "TaskSpec": {
        "type": "object",
        "description": "What a consumer asks for (see docs/scheduling.md for every field).",
        "properties": {
          "name": {
            "type": "string",
            "description": "1–200 bytes, no control characters.",
            "minLength": 1,
            "maxLength": 200,
            "pattern": "^[^\\u0000-\\u001f\\u007f]*$"
          },
          "consumer": {
            "type": [
              "string",
              "null"
            ],
            "description": "Set by the platform from the token; ignored in requests."
          },
          "priority": {
            "type": [
              "integer",
              "null"
            ],
            "description": "Higher runs first (default 0).",
            "minimum": -1000000,
            "maximum": 1000000
          },
          "deadline": {
            "description": "A queued task that has not started by then expires.",
            "oneOf": [
              {
                "$ref": "#/components/schemas/Timestamp"
              },
              {
                "type": "null"
              }
            ]
          },
          "units": {
            "type": "integer",
            "description": "Units needed (accelerators, or cores for CPU).",
            "minimum": 1,
            "maximum": 1000000
          },
          "gang": {
            "type": [
              "boolean",
              "null"
            ],
            "description": "`true` (default): all units on one resource; `false`: may be split over several."
          },
          "accept": {
            "type": "array",
            "description": "1–16 alternatives: the same job built for different chips.",
            "items": {
              "$ref": "#/components/schemas/TaskSpecAlternative"
            },
            "minItems": 1,
            "maxItems": 16
          },
          "data_location": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/LocationCode"
              },
              {
                "type": "null"
              }
            ]
          },
          "max_rtt_ms": {
            "type": [
              "number",
              "null"
            ],
            "description": "Largest RTT from `data_location` in ms (needs `data_location`).",
            "exclusiveMinimum": 0,
            "maximum": 100000
          },
          "max_price_fen_per_unit_hour": {
            "type": [
              "integer",
              "null"
            ],
            "format": "int64",
            "minimum": 0,
            "maximum": 100000000000
          },
          "min_renewable": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0,
            "maximum": 1
          },
          "min_reliability": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0,
            "maximum": 1,
            "description": "Lowest acceptable reliability score of the resource's provider (`reliability.score` on provider records); a task it excludes everywhere waits."
          },
          "duration_s": {
            "type": [
              "number",
              "null"
            ],
            "description": "Estimated run time in seconds.",
            "exclusiveMinimum": 0,
            "maximum": 31622400
          },
          "max_retries": {
            "type": [
              "integer",
              "null"
            ],
            "description": "Moves to another provider after a loss (default 2).",
            "minimum": 0,
            "maximum": 10
          },
          "preemptible": {
            "type": [
              "boolean",
              "null"
            ],
            "description": "May be preempted: pays a `spot` resource's spot price, and gives its units up (SIGTERM, notice, requeued as the next attempt, metered for the time used) when a non-preemptible task needs them (default false)."
          },
          "scope": {
            "type": "string",
            "enum": [
              "local",
              "federation"
            ],
            "description": "POST /v1/tasks only: `local` places it on this platform only; `federation` (the default) claims another platform's resource when this platform cannot place it now (docs/federation.md)."
          },
          "objective": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/TaskSpecObjective"
              },
              {
                "type": "null"
              }
            ]
          }
        },
        "required": [
          "name",
          "units",
          "accept"
        ]
      },
      "PlacementPart": {
        "type": "object",
        "description": "One resource's share of a placement.",
        "properties": {
          "resource": {
            "type": "string",
            "description": "The resource identifier."
          },
          "units": {
            "type": "integer",
            "minimum": 1
          },
          "price_fen_per_unit_hour": {
            "type": "integer",
            "format": "int64",
            "minimum": 0
          },
          "rtt_ms": {
            "type": [
              "number",
              "null"
            ],
            "description": "RTT from the task's `data_location`, 0.1 ms steps; null without one.",
            "minimum": 0
          },
          "renewable": {
            "type": "number",
            "minimum": 0,
            "maximum": 1
          }
        },
        "required": [
          "resource",
          "units",
          "price_fen_per_unit_hour",
          "rtt_ms",
          "renewable"
        ],
        "additionalProperties": false
      },
      "Placement": {
        "type": "object",
        "description": "Where a task runs: which alternative, and the units on each resource.",
        "properties": {
          "alternative": {
            "type": "integer",
            "description": "Index into the task's `accept`.",
            "minimum": 0
          },
          "parts": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/PlacementPart"
            }
          }
        },
        "required": [
          "alternative",
          "parts"
        ],
        "additionalProperties": false
      },
      "TaskEvent": {
        "type": "object",
        "description": "One transition in a task's life.",
        "properties": {
          "state": {
            "$ref": "#/components/schemas/TaskState"
          },
          "at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "message": {
            "type": "string"
          }
        },
        "required": [
          "state",
          "at"
        ],
        "additionalProperties": false
      },
      "TaskEventList": {
        "type": "object",
        "description": "A task's events, oldest first.",
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/TaskEvent"
            }
          }
        },
        "required": [
          "items"
        ],
        "additionalProperties": false
      },
      "TaskSubmission": {
        "type": "object",
        "description": "The answer to `POST /v1/tasks`.",
        "properties": {
          "id": {
            "type": "string",
            "examples": [
              "t7"
            ]
          },
          "state": {
            "$ref": "#/components/schemas/TaskState"
          },
          "placement": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/Placement"
              },
              {
                "type": "null"
              }
            ]
          }
        },
        "required": [
          "id",
          "state",
          "placement"
        ],
        "additionalProperties": false
      },
      "TaskRecord": {
        "type": "object",
        "description": "A task.",
        "properties": {
          "id": {
            "type": "string"
          },
          "name": {
            "type": "string"
          },
          "consumer": {
            "type": "string"
          },
          "state": {
            "$ref": "#/components/schemas/TaskState"
          },
          "priority": {
            "type": "integer"
          },
          "placement": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/Placement"
              },
              {
                "type": "null"
              }
            ]
          },
          "spec": {
            "$ref": "#/components/schemas/TaskSpec"
          },
          "created_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "updated_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "events": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/TaskEvent"
            }
          }
        },
        "required": [
          "id",
          "name",
          "consumer",
          "state",
          "priority",
          "placement",
          "spec",
          "created_at",
          "updated_at",
          "events"
        ],
        "additionalProperties": false
      },
      "TaskRecordPage": {
        "type": "object",
        "description": "One page of tasks in submission order.",
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/TaskRecord"
            }
          },
          "next_cursor": {
            "type": [
              "string",
              "null"
            ],
            "description": "Pass as `cursor` for the next page; null on the last page."
          }
        },
        "required": [
          "items",
          "next_cursor"
        ],
        "additionalProperties": false
      },
      "ExplanationStep": {
        "type": "object",
        "description": "One step of the funnel.",
        "properties": {
          "constraint": {
            "type": "string",
            "description": "The spec field the constraint comes from, e.g. `accept.kind`, `max_rtt_ms`, `free_units`."
          },
          "removed": {
            "type": "integer",
            "minimum": 0
          },
          "remaining": {
            "type": "integer",
            "minimum": 0
          }
        },
        "required": [
          "constraint",
          "removed",
          "remaining"
        ],
        "additionalProperties": false
      },
      "Explanation": {
        "type": "object",
        "description": "Why a task is (or is not) placeable.",
        "properties": {
          "verdict": {
            "type": "string",
            "enum": [
              "placeable",
              "queued",
              "impossible"
            ]
          },
          "resources": {
            "type": "integer",
            "description": "Resources considered.",
            "minimum": 0
          },
          "steps": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/ExplanationStep"
            }
          },
          "message": {
            "type": "string"
          },
          "queue_position": {
            "type": "integer",
            "description": "1-based position in the queue when queued.",
            "minimum": 1
          }
        },
        "required": [
          "verdict",
          "resources",
          "steps",
          "message"
        ],
        "additionalProperties": false
      },
      "AttemptRef": {
        "type": "object",
        "description": "One part of a task attempt, as the agent names the work it runs.",
        "properties": {
          "task": {
            "type": "string"
          },
          "attempt": {
            "type": "integer"
          },
          "resource": {
            "type": "string"
          }
        },
        "required": [
          "task",
          "attempt",
          "resource"
        ]
      },
      "WorkRequest": {
        "type": "object",
        "description": "The body of `POST /v1/agent/work`.",
        "properties": {
          "running": {
            "type": [
              "array",
              "null"
            ],
            "description": "Every part the agent accepted and has not had its final event acknowledged (at most 100,000).",
            "items": {
              "$ref": "#/components/schemas/AttemptRef"
            }
          },
          "wait_s": {
            "type": [
              "number",
              "null"
            ],
            "description": "Seconds to hold the request open when there is nothing to do (default 25).",
            "minimum": 0,
            "maximum": 60
          }
        }
      },
      "Assignment": {
        "type": "object",
        "description": "One part of a placed task that the agent must run.",
        "properties": {
          "task": {
            "type": "string"
          },
          "attempt": {
            "type": "integer",
            "minimum": 1
          },
          "resource": {
            "type": "string"
          },
          "units": {
            "type": "integer",
            "minimum": 1
          },
          "kind": {
            "$ref": "#/components/schemas/ResourceKind"
          },
          "alternative": {
            "type": "integer",
            "minimum": 0
          },
          "run": {
            "$ref": "#/components/schemas/TaskSpecRun"
          },
          "duration_s": {
            "type": "number"
          }
        },
        "required": [
          "task",
          "attempt",
          "resource",
          "units",
          "kind",
          "alternative",
          "run"
        ],
        "additionalProperties": false
      },
      "Lease": {
        "type": "object",
        "description": "The platform's liveness lease, which agents obey.",
        "properties": {
          "heartbeat_interval_s": {
            "type": "number",
            "exclusiveMinimum": 0
          },
          "lease_s": {
            "type": "number",
            "exclusiveMinimum": 0
          },
          "fence_after_s": {
            "type": "number",
            "exclusiveMinimum": 0
          }
        },
        "required": [
          "heartbeat_interval_s",
          "lease_s",
          "fence_after_s"
        ],
        "additionalProperties": false
      },
      "WorkResponse": {
        "type": "object",
        "description": "The answer to `POST /v1/agent/work`.",
        "properties": {
          "assignments": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Assignment"
            }
          },
          "cancellations": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/AttemptRef"
            }
          },
          "lease": {
            "$ref": "#/components/schemas/Lease"
          }
        },
        "required": [
          "assignments",
          "cancellations",
          "lease"
        ],
        "additionalProperties": false
      },
      "AttemptEvent": {
        "type": "object",
        "description": "What happened to one part on the provider's side.",
        "properties": {
          "task": {
            "type": "string"
          },
          "attempt": {
            "type": "integer"
          },
          "resource": {
            "type": "string"
          },
          "phase": {
            "type": "string",
            "enum": [
              "starting",
              "running",
              "succeeded",
              "failed"
            ]
          },
          "exit_code": {
            "type": [
              "integer",
              "null"
            ]
          },
          "message": {
            "type": [
              "string",
              "null"
            ]
          },
          "at": {
            "description": "When the phase happened, by the agent's clock.",
            "oneOf": [
              {
                "$ref": "#/components/schemas/Timestamp"
              },
              {
                "type": "null"
              }
            ]
          }
        },
        "required": [
          "task",
          "attempt",
          "resource",
          "phase"
        ]
      },
      "AttemptEventBatch": {
        "type": "object",
        "description": "The body of `POST /v1/agent/events`.",
        "properties": {
          "events": {
            "type": "array",
            "description": "At most 10,000 events.",
            "items": {
              "$ref": "#/components/schemas/AttemptEvent"
            },
            "maxItems": 10000
          },
          "sent_at": {
            "description": "The agent's clock when it sent the batch.",
            "oneOf": [
              {
                "$ref": "#/components/schemas/Timestamp"
              },
              {
                "type": "null"
              }
            ]
          }
        },
        "required": [
          "events"
        ]
      },
      "EventAck": {
        "type": "object",
        "description": "The answer to `POST /v1/agent/events`.",
        "properties": {
          "accepted": {
            "type": "integer",
            "minimum": 0
          },
          "ignored": {
            "type": "integer",
            "description": "Stale and repeated events.",
            "minimum": 0
          }
        },
        "required": [
          "accepted",
          "ignored"
        ],
        "additionalProperties": false
      },
      "LogChunk": {
        "type": "object",
        "description": "The body of `POST /v1/agent/logs`: output of a part on the provider's resources.",
        "properties": {
          "task": {
            "type": "string"
          },
          "attempt": {
            "type": "integer",
            "minimum": 1
          },
          "stream": {
            "type": "string",
            "enum": [
              "stdout",
              "stderr"
            ]
          },
          "data": {
            "type": "string"
          }
        },
        "required": [
          "task",
          "attempt",
          "stream",
          "data"
        ]
      },
      "UsageRecord": {
        "type": "object",
        "description": "One metered part of an attempt.",
        "properties": {
          "task": {
            "type": "string"
          },
          "attempt": {
            "type": "integer",
            "minimum": 1
          },
          "consumer": {
            "type": "string"
          },
          "provider": {
            "type": "string"
          },
          "resource": {
            "type": "string"
          },
          "units": {
            "type": "integer",
            "minimum": 0
          },
          "start": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "end": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "unit_seconds": {
            "type": "number",
            "minimum": 0
          },
          "price_fen_per_unit_hour": {
            "type": "integer",
            "format": "int64",
            "minimum": 0
          },
          "amount_fen": {
            "type": "integer",
            "description": "⌈units × milliseconds × price / 3,600,000⌉.",
            "format": "int64",
            "minimum": 0
          }
        },
        "required": [
          "task",
          "attempt",
          "consumer",
          "provider",
          "resource",
          "units",
          "start",
          "end",
          "unit_seconds",
          "price_fen_per_unit_hour",
          "amount_fen"
        ],
        "additionalProperties": false
      },
      "UsageReportTotals": {
        "type": "object",
        "properties": {
          "parts": {
            "type": "integer",
            "minimum": 0
          },
          "unit_seconds": {
            "type": "number",
            "minimum": 0
          },
          "amount_fen": {
            "type": "integer",
            "format": "int64",
            "minimum": 0
          }
        },
        "required": [
          "parts",
          "unit_seconds",
          "amount_fen"
        ],
        "additionalProperties": false
      },
      "UsageReport": {
        "type": "object",
        "description": "Metered parts and their totals.",
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/UsageRecord"
            }
          },
          "totals": {
            "$ref": "#/components/schemas/UsageReportTotals"
          }
        },
        "required": [
          "items",
          "totals"
        ],
        "additionalProperties": false
      },
      "Location": {
        "type": "object",
        "description": "A place of the topology.",
        "properties": {
          "code": {
            "$ref": "#/components/schemas/LocationCode"
          },
          "name": {
            "type": "string"
          },
          "kind": {
            "type": "string",
            "enum": [
              "hub",
              "cluster",
              "city"
            ]
          },
          "hub": {
            "$ref": "#/components/schemas/LocationCode"
          },
          "region": {
            "type": "string",
            "enum": [
              "east",
              "central",
              "west",
              "northeast"
            ]
          },
          "lat": {
            "type": "number",
            "minimum": -90,
            "maximum": 90
          },
          "lon": {
            "type": "number",
            "minimum": -180,
            "maximum": 180
          }
        },
        "required": [
          "code",
          "name",
          "kind",
          "hub",
          "region",
          "lat",
          "lon"
        ],
        "additionalProperties": false
      },
      "LatencyOverride": {
        "type": "object",
        "description": "An operator-measured RTT between two different locations (both directions).",
        "properties": {
          "from": {
            "$ref": "#/components/schemas/LocationCode"
          },
          "to": {
            "$ref": "#/components/schemas/LocationCode"
          },
          "rtt_ms": {
            "type": "number",
            "exclusiveMinimum": 0,
            "maximum": 10000
          }
        },
        "required": [
          "from",
          "to",
          "rtt_ms"
        ]
      },
      "LatencyModel": {
        "type": "object",
        "description": "How unmeasured RTTs are estimated (docs/topology.md).",
        "properties": {
          "route_factor": {
            "type": "number"
          },
          "fibre_km_per_ms": {
            "type": "number"
          },
          "overhead_ms": {
            "type": "number"
          },
          "same_site_ms": {
            "type": "number"
          }
        },
        "required": [
          "route_factor",
          "fibre_km_per_ms",
          "overhead_ms",
          "same_site_ms"
        ],
        "additionalProperties": false
      },
      "TopologyDocument": {
        "type": "object",
        "description": "Locations and the RTT matrix.",
        "properties": {
          "locations": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/Location"
            }
          },
          "codes": {
            "type": "array",
            "description": "Location codes in matrix order.",
            "items": {
              "$ref": "#/components/schemas/LocationCode"
            }
          },
          "rtt_ms": {
            "type": "array",
            "description": "`rtt_ms[i][j]`: ms from `codes[i]` to `codes[j]`, 0.1 ms steps.",
            "items": {
              "type": "array",
              "items": {
                "type": "number",
                "minimum": 0
              }
            }
          },
          "measured": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/LatencyOverride"
            }
          },
          "model": {
            "$ref": "#/components/schemas/LatencyModel"
          }
        },
        "required": [
          "locations",
          "codes",
          "rtt_ms",
          "measured",
          "model"
        ],
        "additionalProperties": false
      },
      "StatsReportKindTotals": {
        "type": "object",
        "properties": {
          "resources": {
            "type": "integer",
            "minimum": 0
          },
          "available": {
            "type": "integer",
            "minimum": 0
          },
          "units": {
            "type": "integer",
            "minimum": 0
          },
          "free_units": {
            "type": "integer",
            "minimum": 0
          }
        },
        "required": [
          "resources",
          "available",
          "units",
          "free_units"
        ],
        "additionalProperties": false
      },
      "StatsReport": {
        "type": "object",
        "description": "National totals (docs/api.md explains each figure).",
        "properties": {
          "providers": {
            "type": "integer",
            "minimum": 0
          },
          "resources": {
            "type": "integer",
            "minimum": 0
          },
          "available_resources": {
            "type": "integer",
            "minimum": 0
          },
          "units": {
            "type": "integer",
            "minimum": 0
          },
          "free_units": {
            "type": "integer",
            "description": "Free units on available resources.",
            "minimum": 0
          },
          "by_kind": {
            "type": "object",
            "propertyNames": {
              "$ref": "#/components/schemas/ResourceKind"
            },
            "additionalProperties": {
              "$ref": "#/components/schemas/StatsReportKindTotals"
            }
          },
          "pflops_by_class": {
            "type": "object",
            "description": "Peak compute by class in PFLOPS, each at its basis.",
            "propertyNames": {
              "$ref": "#/components/schemas/ComputeClass"
            },
            "additionalProperties": {
              "type": "number",
              "minimum": 0
            }
          },
          "basis": {
            "type": "object",
            "description": "The precision each class is counted at.",
            "propertyNames": {
              "$ref": "#/components/schemas/ComputeClass"
            },
            "additionalProperties": {
              "$ref": "#/components/schemas/Precision"
            }
          },
          "central_western_share": {
            "type": "number",
            "minimum": 0,
            "maximum": 1
          },
          "renewable_share": {
            "type": "number",
            "minimum": 0,
            "maximum": 1
          },
          "utilization": {
            "type": "number",
            "minimum": 0,
            "maximum": 1
          },
          "generated_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "pue": {
            "type": "number",
            "minimum": 0,
            "description": "PUE weighted by peak compute at each class's basis (0 when there is none)."
          },
          "capacity": {
            "$ref": "#/components/schemas/StatsCapacity"
          },
          "figure_basis": {
            "type": "object",
            "description": "The basis of each figure that is not a capacity (docs/statistics.md).",
            "additionalProperties": {
              "type": "string"
            }
          },
          "by_hub": {
            "type": "object",
            "description": "Totals for each of the 8 national hubs.",
            "additionalProperties": {
              "$ref": "#/components/schemas/StatsLocationTotals"
            }
          },
          "by_location": {
            "type": "object",
            "description": "Totals for each location with resources.",
            "additionalProperties": {
              "$ref": "#/components/schemas/StatsLocationTotals"
            }
          },
          "coverage": {
            "$ref": "#/components/schemas/StatsCoverage"
          },
          "tasks": {
            "$ref": "#/components/schemas/StatsTaskTotals"
          },
          "history": {
            "$ref": "#/components/schemas/StatsHistory"
          }
        },
        "required": [
          "providers",
          "resources",
          "available_resources",
          "units",
          "free_units",
          "by_kind",
          "pflops_by_class",
          "basis",
          "central_western_share",
          "renewable_share",
          "utilization",
          "generated_at",
          "pue",
          "capacity",
          "figure_basis",
          "by_hub",
          "by_location",
          "coverage",
          "tasks"
        ],
        "additionalProperties": false
      },
      "HealthStatus": {
        "type": "object",
        "properties": {
          "status": {
            "type": "string",
            "enum": [
              "ok"
            ]
          }
        },
        "required": [
          "status"
        ],
        "additionalProperties": false
      },
      "StatsCapacityFigure": {
        "type": "object",
        "description": "Peak compute in PFLOPS at one stated precision.",
        "properties": {
          "pflops": {
            "type": "number",
            "minimum": 0
          },
          "basis": {
            "type": "string",
            "enum": [
              "fp64",
              "fp32",
              "fp16",
              "int8",
              "mixed"
            ],
            "description": "The precision counted; `mixed`: each class at its own."
          },
          "resources": {
            "type": "integer",
            "minimum": 0
          },
          "unrated_resources": {
            "type": "integer",
            "minimum": 0,
            "description": "Resources without a figure at this precision (counted as 0)."
          }
        },
        "required": [
          "pflops",
          "basis",
          "resources",
          "unrated_resources"
        ],
        "additionalProperties": false
      },
      "StatsCapacity": {
        "type": "object",
        "description": "Peak compute by class at each class's basis; totals at FP32 and summed across bases.",
        "properties": {
          "by_class": {
            "type": "object",
            "propertyNames": {
              "$ref": "#/components/schemas/ComputeClass"
            },
            "additionalProperties": {
              "$ref": "#/components/schemas/StatsCapacityFigure"
            }
          },
          "total": {
            "$ref": "#/components/schemas/StatsCapacityFigure"
          },
          "class_basis_total": {
            "$ref": "#/components/schemas/StatsCapacityFigure"
          }
        },
        "required": [
          "by_class",
          "total",
          "class_basis_total"
        ],
        "additionalProperties": false
      },
      "StatsLocationTotals": {
        "type": "object",
        "description": "Totals for a hub or a location.",
        "properties": {
          "resources": {
            "type": "integer",
            "minimum": 0
          },
          "available": {
            "type": "integer",
            "minimum": 0
          },
          "units": {
            "type": "integer",
            "minimum": 0
          },
          "free_units": {
            "type": "integer",
            "minimum": 0
          },
          "utilization": {
            "type": "number",
            "minimum": 0,
            "maximum": 1
          },
          "pflops": {
            "type": "number",
            "minimum": 0
          },
          "basis": {
            "type": "string",
            "enum": [
              "mixed"
            ]
          }
        },
        "required": [
          "resources",
          "available",
          "units",
          "free_units",
          "utilization",
          "pflops",
          "basis"
        ],
        "additionalProperties": false
      },
      "StatsCoverageShare": {
        "type": "object",
        "properties": {
          "covered": {
            "type": "integer",
            "minimum": 0
          },
          "share": {
            "type": "number",
            "minimum": 0,
            "maximum": 1
          }
        },
        "required": [
          "covered",
          "share"
        ],
        "additionalProperties": false
      },
      "StatsCoverage": {
        "type": "object",
        "description": "Demand cities with free capacity on an available resource within rtt_ms.",
        "properties": {
          "rtt_ms": {
            "type": "number",
            "minimum": 0
          },
          "cities": {
            "type": "integer",
            "minimum": 0
          },
          "by_kind": {
            "type": "object",
            "propertyNames": {
              "$ref": "#/components/schemas/ResourceKind"
            },
            "additionalProperties": {
              "$ref": "#/components/schemas/StatsCoverageShare"
            }
          },
          "any": {
            "$ref": "#/components/schemas/StatsCoverageShare"
          }
        },
        "required": [
          "rtt_ms",
          "cities",
          "by_kind",
          "any"
        ],
        "additionalProperties": false
      },
      "StatsTaskTotals": {
        "type": "object",
        "properties": {
          "by_state": {
            "type": "object",
            "propertyNames": {
              "$ref": "#/components/schemas/TaskState"
            },
            "additionalProperties": {
              "type": "integer",
              "minimum": 0
            }
          },
          "queue_length": {
            "type": "integer",
            "minimum": 0
          },
          "placements_total": {
            "type": "integer",
            "minimum": 0,
            "description": "Placements since the platform process started."
          },
          "open_quotes": {
            "type": "integer",
            "minimum": 0,
            "description": "Quotes whose offers are held now."
          },
          "held_units": {
            "type": "integer",
            "minimum": 0,
            "description": "Units held for those offers (taken for every placement until the quotes end)."
          }
        },
        "required": [
          "by_state",
          "queue_length",
          "placements_total",
          "open_quotes",
          "held_units"
        ],
        "additionalProperties": false
      },
      "StatsHistoryPoint": {
        "type": "object",
        "properties": {
          "at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "available_resources": {
            "type": "integer",
            "minimum": 0
          },
          "units": {
            "type": "integer",
            "minimum": 0
          },
          "free_units": {
            "type": "integer",
            "minimum": 0
          },
          "free_units_by_kind": {
            "type": "object",
            "propertyNames": {
              "$ref": "#/components/schemas/ResourceKind"
            },
            "additionalProperties": {
              "type": "integer",
              "minimum": 0
            }
          },
          "utilization": {
            "type": "number",
            "minimum": 0,
            "maximum": 1
          },
          "tasks_by_state": {
            "type": "object",
            "propertyNames": {
              "$ref": "#/components/schemas/TaskState"
            },
            "additionalProperties": {
              "type": "integer",
              "minimum": 0
            }
          },
          "queue_length": {
            "type": "integer",
            "minimum": 0
          },
          "placements": {
            "type": "integer",
            "minimum": 0,
            "description": "Placements since the previous point."
          },
          "placements_total": {
            "type": "integer",
            "minimum": 0
          }
        },
        "required": [
          "at",
          "available_resources",
          "units",
          "free_units",
          "free_units_by_kind",
          "utilization",
          "tasks_by_state",
          "queue_length",
          "placements",
          "placements_total"
        ],
        "additionalProperties": false
      },
      "StatsHistory": {
        "type": "object",
        "description": "Samples every interval_s of the platform clock, the last kept_s seconds kept in memory.",
        "properties": {
          "interval_s": {
            "type": "number",
            "exclusiveMinimum": 0
          },
          "window_s": {
            "type": "number",
            "exclusiveMinimum": 0
          },
          "kept_s": {
            "type": "number",
            "exclusiveMinimum": 0
          },
          "points": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/StatsHistoryPoint"
            }
          }
        },
        "required": [
          "interval_s",
          "window_s",
          "kept_s",
          "points"
        ],
        "additionalProperties": false
      },
      "TokenRole": {
        "type": "string",
        "description": "`operator`, `provider`, `consumer`, `auditor` (reads everything, changes nothing); `peer` is reserved for federation and not issued yet.",
        "enum": [
          "operator",
          "provider",
          "consumer",
          "auditor",
          "peer"
        ]
      },
      "TokenRecord": {
        "type": "object",
        "description": "A token, never with its secret except in the answer that creates it. `last_used_at` is kept in memory and stored at most once a minute.",
        "properties": {
          "id": {
            "type": "string",
            "description": "`tk_` and 16 hex digits; the bootstrap operator token is `operator`.",
            "examples": [
              "tk_3f9a1c2b7d4e5f60"
            ]
          },
          "role": {
            "$ref": "#/components/schemas/TokenRole"
          },
          "owner": {
            "type": "string",
            "description": "Provider prefix, consumer or auditor id, or `operator`."
          },
          "name": {
            "type": "string",
            "description": "A label given at creation; may be empty."
          },
          "created_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "expires_at": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/Timestamp"
              },
              {
                "type": "null"
              }
            ]
          },
          "last_used_at": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/Timestamp"
              },
              {
                "type": "null"
              }
            ]
          },
          "revoked_at": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/Timestamp"
              },
              {
                "type": "null"
              }
            ]
          },
          "token": {
            "type": "string",
            "description": "The secret: only in the answer that creates the token (creation, rotation)."
          }
        },
        "required": [
          "id",
          "role",
          "owner",
          "name",
          "created_at",
          "expires_at",
          "last_used_at",
          "revoked_at"
        ],
        "additionalProperties": false
      },
      "TokenRecordList": {
        "type": "object",
        "description": "Tokens in creation order.",
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/TokenRecord"
            }
          }
        },
        "required": [
          "items"
        ],
        "additionalProperties": false
      },
      "TokenRequest": {
        "type": "object",
        "description": "The body of `POST /v1/tokens`; every field optional (`{}`: another token for the caller).",
        "properties": {
          "role": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/TokenRole"
              },
              {
                "type": "null"
              }
            ],
            "description": "Default: the caller's role."
          },
          "owner": {
            "type": [
              "string",
              "null"
            ],
            "description": "Default: the caller (required when the role differs from the caller's)."
          },
          "name": {
            "type": [
              "string",
              "null"
            ],
            "description": "At most 200 bytes, no control characters.",
            "maxLength": 200,
            "pattern": "^[^\\u0000-\\u001f\\u007f]*$"
          },
          "ttl_s": {
            "type": [
              "number",
              "null"
            ],
            "description": "Lifetime in seconds from now (1 s to 10 years); not with `expires_at`.",
            "minimum": 1,
            "maximum": 315360000
          },
          "expires_at": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/Timestamp"
              },
              {
                "type": "null"
              }
            ]
          }
        }
      },
      "TokenRotation": {
        "type": "object",
        "description": "The body of `POST /v1/tokens/{id}/rotate` (optional): the new token's lifetime; default the old token's (expiry − creation), from now.",
        "properties": {
          "ttl_s": {
            "type": [
              "number",
              "null"
            ],
            "description": "Lifetime in seconds from now (1 s to 10 years); not with `expires_at`.",
            "minimum": 1,
            "maximum": 315360000
          },
          "expires_at": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/Timestamp"
              },
              {
                "type": "null"
              }
            ]
          }
        }
      },
      "AuditorRegistration": {
        "type": "object",
        "description": "The body of `POST /v1/auditors`.",
        "properties": {
          "name": {
            "type": "string",
            "description": "1–200 bytes, no control characters.",
            "minLength": 1,
            "maxLength": 200,
            "pattern": "^[^\\u0000-\\u001f\\u007f]*$"
          }
        },
        "required": [
          "name"
        ]
      },
      "AuditorRecord": {
        "type": "object",
        "description": "An auditor: reads everything an operator can read, changes nothing.",
        "properties": {
          "id": {
            "type": "string",
            "description": "Platform-unique auditor id.",
            "examples": [
              "a1"
            ]
          },
          "name": {
            "type": "string"
          },
          "created_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "token": {
            "type": "string",
            "description": "The auditor's secret token: only in the answer to registration."
          }
        },
        "required": [
          "id",
          "name",
          "created_at"
        ],
        "additionalProperties": false
      },
      "AuditorRecordList": {
        "type": "object",
        "description": "Auditors in id order.",
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/AuditorRecord"
            }
          }
        },
        "required": [
          "items"
        ],
        "additionalProperties": false
      },
      "AuditEntry": {
        "type": "object",
        "description": "One audited request.",
        "properties": {
          "id": {
            "type": "integer",
            "format": "int64",
            "description": "Increasing with time.",
            "minimum": 1
          },
          "at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "token": {
            "type": [
              "string",
              "null"
            ],
            "description": "The id of the token presented (also a revoked or expired one); null without a known token."
          },
          "role": {
            "type": "string",
            "description": "`operator`, `provider`, `consumer`, `auditor` or `anonymous`."
          },
          "owner": {
            "type": [
              "string",
              "null"
            ],
            "description": "Provider prefix, consumer or auditor id, `operator`; null for anonymous callers."
          },
          "action": {
            "type": "string",
            "description": "Method and route template.",
            "examples": [
              "POST /v1/tasks"
            ]
          },
          "target": {
            "type": "object",
            "description": "The path parameters.",
            "additionalProperties": {
              "type": "string"
            }
          },
          "from": {
            "type": "string",
            "description": "The client address (`client (via proxy)` behind a trusted proxy)."
          },
          "status": {
            "type": "integer",
            "description": "The HTTP status answered."
          },
          "error": {
            "type": [
              "string",
              "null"
            ],
            "description": "The error code when refused or failed."
          }
        },
        "required": [
          "id",
          "at",
          "token",
          "role",
          "owner",
          "action",
          "target",
          "from",
          "status",
          "error"
        ],
        "additionalProperties": false
      },
      "AuditEntryPage": {
        "type": "object",
        "description": "One page of the audit log, newest first.",
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/AuditEntry"
            }
          },
          "next_cursor": {
            "type": [
              "string",
              "null"
            ],
            "description": "Pass as `cursor` for the next (older) page; null on the last page."
          }
        },
        "required": [
          "items",
          "next_cursor"
        ],
        "additionalProperties": false
      },
      "PlatformInstance": {
        "type": "object",
        "description": "One `suanli serve` process of the platform.",
        "properties": {
          "id": {
            "type": "string",
            "description": "The instance's id, new at every start.",
            "examples": [
              "i-3f9c2a61b0d4"
            ]
          },
          "url": {
            "type": "string",
            "description": "Where other instances forward requests to (`--public-url`, else the address it listens on)."
          },
          "leader": {
            "type": "boolean",
            "description": "Whether it holds the leader lease now (runs the platform)."
          },
          "started_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "last_seen_at": {
            "$ref": "#/components/schemas/Timestamp"
          }
        },
        "required": [
          "id",
          "url",
          "leader",
          "started_at",
          "last_seen_at"
        ],
        "additionalProperties": false
      },
      "PlatformInstanceList": {
        "type": "object",
        "description": "The platform's instances, oldest first.",
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/PlatformInstance"
            }
          }
        },
        "required": [
          "items"
        ],
        "additionalProperties": false
      },
      "FederationLinkState": {
        "type": "string",
        "enum": [
          "joining",
          "up",
          "unreachable"
        ],
        "description": "`joining`: delegated, not joined yet; `up`: synced within the lease; `unreachable`: no sync within the lease."
      },
      "FederationChildRequest": {
        "type": "object",
        "description": "A child platform to delegate the next child prefix to.",
        "properties": {
          "name": {
            "type": "string",
            "minLength": 1,
            "maxLength": 100
          },
          "url": {
            "type": "string",
            "format": "uri",
            "description": "The child's base URL (http or https)."
          }
        },
        "required": [
          "name",
          "url"
        ]
      },
      "FederationChild": {
        "type": "object",
        "description": "A child platform as its parent sees it.",
        "properties": {
          "prefix": {
            "$ref": "#/components/schemas/Prefix"
          },
          "name": {
            "type": "string"
          },
          "url": {
            "type": "string"
          },
          "state": {
            "$ref": "#/components/schemas/FederationLinkState"
          },
          "last_sync_at": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/Timestamp"
              },
              {
                "type": "null"
              }
            ]
          },
          "lag_s": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0,
            "description": "Seconds since the last sync."
          },
          "join_token": {
            "type": "string",
            "description": "The one-time join token: only in the answer that created the child."
          }
        },
        "required": [
          "prefix",
          "name",
          "url",
          "state",
          "last_sync_at",
          "lag_s"
        ],
        "additionalProperties": false
      },
      "FederationChildList": {
        "type": "object",
        "properties": {
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/FederationChild"
            }
          }
        },
        "required": [
          "items"
        ],
        "additionalProperties": false
      },
      "FederationParent": {
        "type": "object",
        "properties": {
          "prefix": {
            "$ref": "#/components/schemas/Prefix"
          },
          "url": {
            "type": "string"
          },
          "state": {
            "$ref": "#/components/schemas/FederationLinkState"
          }
        },
        "required": [
          "prefix",
          "url",
          "state"
        ],
        "additionalProperties": false
      },
      "FederationStatus": {
        "type": "object",
        "description": "This platform's place in the federation.",
        "properties": {
          "prefix": {
            "$ref": "#/components/schemas/Prefix"
          },
          "name": {
            "type": "string"
          },
          "public_key": {
            "type": "string",
            "description": "Ed25519 public key, standard base64 of 32 bytes."
          },
          "parent": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/FederationParent"
              },
              {
                "type": "null"
              }
            ]
          },
          "children": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/FederationChild"
            }
          }
        },
        "required": [
          "prefix",
          "name",
          "public_key",
          "parent",
          "children"
        ],
        "additionalProperties": false
      },
      "DelegationRecord": {
        "type": "object",
        "description": "Who a prefix is delegated to, signed by the delegating platform's key (the root's own record: `parent` null, self-signed). Signed bytes: docs/federation.md.",
        "properties": {
          "prefix": {
            "$ref": "#/components/schemas/Prefix"
          },
          "name": {
            "type": "string"
          },
          "url": {
            "type": "string"
          },
          "public_key": {
            "type": "string"
          },
          "parent": {
            "oneOf": [
              {
                "$ref": "#/components/schemas/Prefix"
              },
              {
                "type": "null"
              }
            ]
          },
          "issued_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "signature": {
            "type": "string"
          }
        },
        "required": [
          "prefix",
          "name",
          "url",
          "public_key",
          "parent",
          "issued_at",
          "signature"
        ],
        "additionalProperties": false
      },
      "FederationJoin": {
        "type": "object",
        "description": "A child's join: its prefix, one-time token, public key and URL.",
        "properties": {
          "prefix": {
            "$ref": "#/components/schemas/Prefix"
          },
          "join_token": {
            "type": "string"
          },
          "public_key": {
            "type": "string"
          },
          "url": {
            "type": "string"
          }
        },
        "required": [
          "prefix",
          "join_token",
          "public_key",
          "url"
        ]
      },
      "FederationClaim": {
        "type": "object",
        "description": "A home platform's claim of one resource for one task (docs/federation.md).",
        "required": [
          "resource",
          "spec",
          "home_task"
        ],
        "properties": {
          "resource": {
            "$ref": "#/components/schemas/Identifier"
          },
          "spec": {
            "$ref": "#/components/schemas/TaskSpec"
          },
          "home_task": {
            "type": "string",
            "minLength": 1,
            "maxLength": 200,
            "description": "The task's id at the home platform."
          }
        }
      },
      "FederationSync": {
        "type": "object",
        "description": "A child's heartbeat.",
        "properties": {
          "prefix": {
            "$ref": "#/components/schemas/Prefix"
          },
          "url": {
            "type": "string"
          }
        },
        "required": [
          "prefix",
          "url"
        ]
      },
      "FederationLink": {
        "type": "object",
        "description": "The answer to a join or a sync: the child's record, the parent's key, the records from the parent up to the root.",
        "properties": {
          "delegation": {
            "$ref": "#/components/schemas/DelegationRecord"
          },
          "parent_public_key": {
            "type": "string"
          },
          "chain": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/DelegationRecord"
            }
          }
        },
        "required": [
          "delegation",
          "parent_public_key",
          "chain"
        ],
        "additionalProperties": false
      },
      "HandleRecord": {
        "type": "object",
        "description": "A Handle.Net REST API answer: `{\"responseCode\",\"handle\",\"values\"}`, or `{\"responseCode\",\"handle\",\"message\"}` on errors.",
        "required": [
          "responseCode",
          "handle"
        ],
        "additionalProperties": false,
        "properties": {
          "responseCode": {
            "type": "integer",
            "enum": [
              1,
              2,
              4,
              6,
              100,
              102,
              200,
              301,
              402
            ],
            "description": "The Handle protocol response code."
          },
          "handle": {
            "type": "string",
            "description": "The handle as requested, %-decoded."
          },
          "message": {
            "type": "string",
            "description": "What went wrong (errors, and when no value matches)."
          },
          "values": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/HandleValue"
            }
          }
        }
      },
      "HandleValue": {
        "type": "object",
        "description": "One handle value.",
        "required": [
          "index",
          "type",
          "data",
          "ttl",
          "timestamp"
        ],
        "additionalProperties": false,
        "properties": {
          "index": {
            "type": "integer",
            "minimum": 0
          },
          "type": {
            "type": "string",
            "examples": [
              "URL",
              "HS_ADMIN",
              "HS_PUBKEY",
              "SUANLI.KIND"
            ]
          },
          "data": {
            "type": "object",
            "required": [
              "format",
              "value"
            ],
            "additionalProperties": false,
            "properties": {
              "format": {
                "type": "string",
                "enum": [
                  "string",
                  "base64",
                  "admin"
                ]
              },
              "value": {
                "oneOf": [
                  {
                    "type": "string"
                  },
                  {
                    "type": "object",
                    "required": [
                      "handle",
                      "index",
                      "permissions"
                    ],
                    "additionalProperties": false,
                    "properties": {
                      "handle": {
                        "type": "string"
                      },
                      "index": {
                        "type": "integer"
                      },
                      "permissions": {
                        "type": "string",
                        "pattern": "^[01]{12}$"
                      }
                    }
                  }
                ]
              }
            }
          },
          "ttl": {
            "type": "integer",
            "minimum": 0,
            "description": "Seconds a resolver may cache the value."
          },
          "timestamp": {
            "type": "string",
            "format": "date-time",
            "description": "When the value last changed, ISO 8601 in whole seconds."
          }
        }
      },
      "QuoteRequest": {
        "description": "A task spec, exactly as for `POST /v1/tasks`, plus how long to hold the offers and how many to make.",
        "allOf": [
          {
            "$ref": "#/components/schemas/TaskSpec"
          },
          {
            "type": "object",
            "properties": {
              "hold_s": {
                "type": "integer",
                "minimum": 1,
                "maximum": 300,
                "description": "Seconds every offer's capacity is held (default 30)."
              },
              "max_offers": {
                "type": "integer",
                "minimum": 1,
                "maximum": 20,
                "description": "Most offers (default 5)."
              }
            }
          }
        ]
      },
      "QuoteOffer": {
        "type": "object",
        "description": "A placement whose units are held until the quote's `expires_at`, and what it costs.",
        "properties": {
          "id": {
            "type": "string",
            "description": "`o1`, `o2`, … best first by the task's objective.",
            "examples": [
              "o1"
            ]
          },
          "placement": {
            "$ref": "#/components/schemas/Placement"
          },
          "price_fen_per_unit_hour": {
            "type": "integer",
            "minimum": 0,
            "description": "Unit-weighted mean of the parts' prices, rounded up to whole fen (each part keeps its own price)."
          },
          "estimated_cost_fen": {
            "type": [
              "integer",
              "null"
            ],
            "minimum": 0,
            "description": "Σ over parts of ⌈units × duration_ms × price ÷ 3,600,000⌉ (the metering rule) for `duration_s`; null without `duration_s`."
          },
          "estimated_start": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "rtt_ms": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0,
            "description": "The largest RTT of the parts from `data_location`; null without one."
          },
          "renewable": {
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "description": "Unit-weighted renewable share."
          },
          "reliability": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0,
            "maximum": 1,
            "description": "The lowest reliability score among the parts' providers, as their provider records show it."
          },
          "price_fen_per_standard_hour": {
            "type": [
              "number",
              "null"
            ],
            "minimum": 0,
            "description": "Unit-weighted fen per standard TFLOPS-hour of the parts, to 0.01 fen; null when a part is unrated."
          }
        },
        "required": [
          "id",
          "placement",
          "price_fen_per_unit_hour",
          "estimated_cost_fen",
          "estimated_start",
          "rtt_ms",
          "renewable",
          "reliability",
          "price_fen_per_standard_hour"
        ],
        "additionalProperties": false
      },
      "QuoteRecord": {
        "type": "object",
        "description": "A quote: offers held for the consumer until `expires_at`.",
        "properties": {
          "id": {
            "type": "string",
            "examples": [
              "q3"
            ]
          },
          "consumer": {
            "type": "string",
            "examples": [
              "c1"
            ]
          },
          "state": {
            "type": "string",
            "enum": [
              "open",
              "accepted",
              "released",
              "expired"
            ]
          },
          "created_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "expires_at": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "offers": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/QuoteOffer"
            },
            "description": "Best first; empty when no capacity is free now (submit the task to queue it)."
          },
          "task": {
            "type": [
              "string",
              "null"
            ],
            "description": "The task an accepted offer became."
          }
        },
        "required": [
          "id",
          "consumer",
          "state",
          "created_at",
          "expires_at",
          "offers",
          "task"
        ],
        "additionalProperties": false
      },
      "QuoteAcceptance": {
        "type": "object",
        "properties": {
          "offer": {
            "type": "string",
            "minLength": 1,
            "description": "An offer's id.",
            "examples": [
              "o1"
            ]
          }
        },
        "required": [
          "offer"
        ]
      },
      "ResourcePricing": {
        "type": "object",
        "description": "How the price follows the load (docs/market.md). `fixed`: `price_fen_per_unit_hour`. `dynamic`: `price_fen_per_unit_hour` is the floor (idle) and `cap_fen_per_unit_hour` the price at full utilisation; in between floor + ⌈(cap − floor) × u²⌉ with u = 1 − free_units ÷ units of the latest report. `spot`: `price_fen_per_unit_hour` for every task and the lower `spot_fen_per_unit_hour` for tasks with `\"preemptible\": true`, which a non-preemptible task that fits nowhere else preempts (SIGTERM, the agent's `SUANLI_PREEMPT_NOTICE_S`, requeued as the next attempt).",
        "properties": {
          "model": {
            "type": "string",
            "enum": [
              "fixed",
              "dynamic",
              "spot"
            ]
          },
          "cap_fen_per_unit_hour": {
            "type": [
              "integer",
              "null"
            ],
            "minimum": 0,
            "maximum": 100000000000,
            "description": "`dynamic` only: at least `price_fen_per_unit_hour`."
          },
          "spot_fen_per_unit_hour": {
            "type": [
              "integer",
              "null"
            ],
            "minimum": 0,
            "maximum": 100000000000,
            "description": "`spot` only: the price for preemptible tasks, at most `price_fen_per_unit_hour`."
          }
        },
        "required": [
          "model"
        ],
        "additionalProperties": false
      },
      "StatementLine": {
        "type": "object",
        "description": "One metered task part in a bill or payout.",
        "properties": {
          "task": {
            "type": "string"
          },
          "attempt": {
            "type": "integer",
            "minimum": 1
          },
          "consumer": {
            "type": "string"
          },
          "provider": {
            "type": "string"
          },
          "resource": {
            "type": "string"
          },
          "units": {
            "type": "integer",
            "minimum": 0
          },
          "start": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "end": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "unit_seconds": {
            "type": "number",
            "minimum": 0
          },
          "price_fen_per_unit_hour": {
            "type": "integer",
            "format": "int64",
            "minimum": 0
          },
          "amount_fen": {
            "type": "integer",
            "format": "int64",
            "minimum": 0,
            "description": "Bills: the consumer's charge (as `/v1/usage`). Payouts: what the provider is paid, `gross_fen − fee_fen`."
          },
          "gross_fen": {
            "type": "integer",
            "format": "int64",
            "minimum": 0,
            "description": "Payouts only: the consumer's charge."
          },
          "fee_fen": {
            "type": "integer",
            "format": "int64",
            "minimum": 0,
            "description": "Payouts only: ⌊charge × fee_bp ÷ 10,000⌋."
          }
        },
        "required": [
          "task",
          "attempt",
          "consumer",
          "provider",
          "resource",
          "units",
          "start",
          "end",
          "unit_seconds",
          "price_fen_per_unit_hour",
          "amount_fen"
        ],
        "additionalProperties": false
      },
      "Statement": {
        "type": "object",
        "description": "One month's bill or payout: the parts that ended in the month (UTC) and their totals.",
        "properties": {
          "month": {
            "type": "string",
            "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$",
            "example": "2026-11"
          },
          "consumer": {
            "type": "string",
            "description": "Bills of one consumer: its id."
          },
          "provider": {
            "type": "string",
            "description": "Payouts of one provider: its prefix."
          },
          "fee_bp": {
            "type": "integer",
            "minimum": 0,
            "maximum": 10000,
            "description": "Payouts only: the platform fee in basis points of each charge."
          },
          "items": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/StatementLine"
            }
          },
          "totals": {
            "type": "object",
            "properties": {
              "parts": {
                "type": "integer",
                "minimum": 0
              },
              "unit_seconds": {
                "type": "number",
                "minimum": 0
              },
              "amount_fen": {
                "type": "integer",
                "format": "int64",
                "minimum": 0
              },
              "gross_fen": {
                "type": "integer",
                "format": "int64",
                "minimum": 0
              },
              "fee_fen": {
                "type": "integer",
                "format": "int64",
                "minimum": 0
              }
            },
            "required": [
              "parts",
              "unit_seconds",
              "amount_fen"
            ],
            "additionalProperties": false
          }
        },
        "required": [
          "month",
          "items",
          "totals"
        ],
        "additionalProperties": false
      },
      "ConsumerAccount": {
        "type": "object",
        "description": "A consumer's budget and quotas, what its tasks spent, and what its unfinished tasks reserve.",
        "properties": {
          "consumer": {
            "type": "string"
          },
          "budget_fen": {
            "type": [
              "integer",
              "null"
            ],
            "format": "int64",
            "minimum": 0,
            "description": "null: no budget."
          },
          "spent_fen": {
            "type": "integer",
            "format": "int64",
            "minimum": 0,
            "description": "Every metered charge of the consumer's tasks."
          },
          "reserved_fen": {
            "type": "integer",
            "format": "int64",
            "minimum": 0,
            "description": "Unfinished tasks' worst-case cost less what they were charged."
          },
          "remaining_fen": {
            "type": [
              "integer",
              "null"
            ],
            "format": "int64",
            "description": "budget − spent − reserved; null without a budget."
          },
          "quotas": {
            "type": "object",
            "propertyNames": {
              "enum": [
                "cpu",
                "gpu",
                "npu",
                "fpga",
                "asic"
              ]
            },
            "additionalProperties": {
              "type": "integer",
              "minimum": 0,
              "maximum": 1000000
            },
            "description": "Units per kind; kinds not named have no quota."
          },
          "in_use": {
            "type": "object",
            "propertyNames": {
              "enum": [
                "cpu",
                "gpu",
                "npu",
                "fpga",
                "asic"
              ]
            },
            "additionalProperties": {
              "type": "integer",
              "minimum": 0,
              "maximum": 1000000
            },
            "description": "Units per kind held by unfinished tasks (a queued task counts toward every kind it accepts)."
          }
        },
        "required": [
          "consumer",
          "budget_fen",
          "spent_fen",
          "reserved_fen",
          "remaining_fen",
          "quotas",
          "in_use"
        ],
        "additionalProperties": false
      },
      "BudgetUpdate": {
        "type": "object",
        "properties": {
          "fen": {
            "type": [
              "integer",
              "null"
            ],
            "format": "int64",
            "minimum": 0,
            "maximum": 1000000000000000,
            "description": "The budget in fen; null removes it."
          }
        },
        "required": [
          "fen"
        ]
      },
      "QuotaUpdate": {
        "type": "object",
        "propertyNames": {
          "enum": [
            "cpu",
            "gpu",
            "npu",
            "fpga",
            "asic"
          ]
        },
        "additionalProperties": {
          "type": "integer",
          "minimum": 0,
          "maximum": 1000000
        },
        "description": "Units per kind (the whole set: kinds not named have no quota; `{}` removes them all)."
      },
      "ProviderReliability": {
        "type": "object",
        "description": "How reliably the provider's resources finish the work placed on them; counts decay with a half-life of 7 days (docs/market.md).",
        "properties": {
          "score": {
            "type": "number",
            "minimum": 0,
            "maximum": 1,
            "description": "(completed + 1) ÷ (completed + lost + heartbeat_gaps + 1), to 0.001; 1 without history."
          },
          "attempts": {
            "type": "number",
            "minimum": 0,
            "description": "Attempt parts metered on the provider (decayed)."
          },
          "completed": {
            "type": "number",
            "minimum": 0,
            "description": "Parts of attempts seen to an end: the task succeeded, or failed by its own exit code (decayed)."
          },
          "lost": {
            "type": "number",
            "minimum": 0,
            "description": "Parts of attempts lost when the provider stopped reporting (decayed)."
          },
          "heartbeat_gaps": {
            "type": "number",
            "minimum": 0,
            "description": "Times one of its resources went stale (decayed; kept in memory, a restart forgets them)."
          },
          "since": {
            "$ref": "#/components/schemas/Timestamp"
          }
        },
        "required": [
          "score",
          "attempts",
          "completed",
          "lost",
          "heartbeat_gaps",
          "since"
        ],
        "additionalProperties": false
      },
      "AggregationPush": {
        "type": "object",
        "description": "A child's push: the changes of its subtree's resources.",
        "required": [
          "prefix",
          "base",
          "generation",
          "upserts",
          "removes"
        ],
        "properties": {
          "prefix": {
            "$ref": "#/components/schemas/Prefix"
          },
          "base": {
            "type": "integer",
            "minimum": 0,
            "description": "The generation the changes apply to (0: a full snapshot)."
          },
          "generation": {
            "type": "integer",
            "minimum": 0,
            "description": "The generation after the changes."
          },
          "upserts": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/ResourceRecord"
            },
            "description": "Records added or changed, each with `platform`."
          },
          "removes": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "Identifiers removed."
          }
        }
      },
      "AggregationAck": {
        "type": "object",
        "required": [
          "generation"
        ],
        "additionalProperties": false,
        "properties": {
          "generation": {
            "type": "integer",
            "minimum": 0
          }
        }
      },
      "SignedUsageStatement": {
        "type": "object",
        "description": "A usage statement as its issuer encoded it, and the issuer's signature of those bytes.",
        "properties": {
          "statement": {
            "type": "string",
            "description": "The statement (a UsageStatement) as JSON, exactly as signed."
          },
          "signature": {
            "type": "string",
            "description": "Ed25519 signature (standard base64) of the statement's UTF-8 bytes by the issuer's key."
          }
        },
        "required": [
          "statement",
          "signature"
        ],
        "additionalProperties": false
      },
      "UsageStatement": {
        "type": "object",
        "description": "What one platform metered for another's task.",
        "properties": {
          "issuer": {
            "type": "string",
            "description": "The platform that metered it (the owner)."
          },
          "customer": {
            "type": "string",
            "description": "The platform it metered for (the home)."
          },
          "task": {
            "type": "string",
            "description": "The task's id at the issuer."
          },
          "final": {
            "type": "boolean",
            "description": "Whether the task had ended (only a final statement settles)."
          },
          "records": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/UsageRecord"
            }
          },
          "issued_at": {
            "$ref": "#/components/schemas/Timestamp"
          }
        },
        "required": [
          "issuer",
          "customer",
          "task",
          "final",
          "records",
          "issued_at"
        ],
        "additionalProperties": false
      },
      "SettlementLine": {
        "type": "object",
        "description": "One metered part, named by the task's id at the platform that ran it.",
        "properties": {
          "task": {
            "type": "string"
          },
          "home_task": {
            "type": "string",
            "description": "The task's id at its home (payable lines)."
          },
          "attempt": {
            "type": "integer",
            "minimum": 1
          },
          "resource": {
            "type": "string"
          },
          "end": {
            "$ref": "#/components/schemas/Timestamp"
          },
          "amount_fen": {
            "type": "integer",
            "format": "int64",
            "minimum": 0
          }
        },
        "required": [
          "task",
          "attempt",
          "resource",
          "end",
          "amount_fen"
        ],
        "additionalProperties": false
      },
      "SettlementDispute": {
        "type": "object",
        "description": "A stored statement that does not count, and why.",
        "properties": {
          "home_task": {
            "type": "string"
          },
          "kind": {
            "type": "string",
            "enum": [
              "tampered",
              "unknown",
              "duplicated"
            ]
          },
          "message": {
            "type": "string"
          }
        },
        "required": [
          "home_task",
          "kind",
          "message"
        ],
        "additionalProperties": false
      },
      "Settlement": {
        "type": "object",
        "description": "What two platforms owe each other for a month.",
        "properties": {
          "peer": {
            "type": "string"
          },
          "month": {
            "type": "string",
            "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])$"
          },
          "receivable_fen": {
            "type": "integer",
            "format": "int64",
            "description": "What the peer owes this platform."
          },
          "payable_fen": {
            "type": "integer",
            "format": "int64",
            "description": "What this platform owes the peer."
          },
          "net_fen": {
            "type": "integer",
            "format": "int64",
            "description": "receivable − payable."
          },
          "receivable": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/SettlementLine"
            }
          },
          "payable": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/SettlementLine"
            }
          },
          "disputed": {
            "type": "array",
            "items": {
              "$ref": "#/components/schemas/SettlementDispute"
            }
          },
          "pending": {
            "type": "array",
            "items": {
              "type": "string"
            },
            "description": "Tasks placed at the peer without a final statement yet."
          }
        },
        "required": [
          "peer",
          "month",
          "receivable_fen",
          "payable_fen",
          "net_fen",
          "receivable",
          "payable",
          "disputed",
          "pending"
        ],
        "additionalProperties": false
      }
    }
  }
}
"""##
}
