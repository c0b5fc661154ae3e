// gRPC server reflection (grpc.reflection.v1 and v1alpha) served from protobuf-es
// v2's file registry, so `buf curl --reflect` and grpcurl work without .proto files.
// connect-es has no maintained package for it.
import { createFileRegistry, toBinary, type DescFile, type FileRegistry } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema, FileDescriptorSetSchema } from "@bufbuild/protobuf/wkt";
import { create } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import { Code } from "@connectrpc/connect";
import { reflectionV1, reflectionV1alpha } from "@gifmesh/shared/contracts";

/** The answer to one reflection request, identical in shape for v1 and v1alpha. */
type ReflectionAnswer =
  | { case: "fileDescriptorResponse"; value: { fileDescriptorProto: Uint8Array[] } }
  | { case: "listServicesResponse"; value: { service: { name: string }[] } }
  | {
      case: "allExtensionNumbersResponse";
      value: { baseTypeName: string; extensionNumber: number[] };
    }
  | { case: "errorResponse"; value: { errorCode: number; errorMessage: string } };

type ReflectionQuery =
  | { case: "fileByFilename"; value: string }
  | { case: "fileContainingSymbol"; value: string }
  | { case: "fileContainingExtension"; value: { containingType: string; extensionNumber: number } }
  | { case: "allExtensionNumbersOfType"; value: string }
  | { case: "listServices"; value: string }
  | { case: undefined; value?: undefined };

/** Every file the given files need, themselves included, dependencies first. */
function withDependencies(files: readonly DescFile[]): DescFile[] {
  const seen = new Map<string, DescFile>();
  const visit = (file: DescFile): void => {
    if (seen.has(file.name)) return;
    for (const dep of file.dependencies) visit(dep);
    seen.set(file.name, file);
  };
  files.forEach(visit);
  return [...seen.values()];
}

export interface Reflection {
  answer(query: ReflectionQuery): ReflectionAnswer;
}

/** Builds the reflection index for `serviceNames`, declared in `files`. */
export function createReflection(
  files: readonly DescFile[],
  serviceNames: readonly string[],
): Reflection {
  const all = withDependencies(files);
  const registry: FileRegistry = createFileRegistry(
    create(FileDescriptorSetSchema, { file: all.map((f) => f.proto) }),
  );
  const error = (code: Code, message: string): ReflectionAnswer => ({
    case: "errorResponse",
    value: { errorCode: code, errorMessage: message },
  });
  const fileAnswer = (file: DescFile): ReflectionAnswer => ({
    case: "fileDescriptorResponse",
    value: {
      fileDescriptorProto: withDependencies([file])
        .reverse()
        .map((f) => toBinary(FileDescriptorProtoSchema, f.proto)),
    },
  });
  const fileOfSymbol = (symbol: string): DescFile | undefined => {
    const direct = registry.get(symbol);
    if (direct !== undefined) return direct.file;
    // "pkg.Service.Method" or "pkg.Message.field": look up the parent.
    const parent = registry.get(symbol.slice(0, Math.max(0, symbol.lastIndexOf("."))));
    if (
      parent?.kind === "service" &&
      parent.methods.some((m) => `${parent.typeName}.${m.name}` === symbol)
    )
      return parent.file;
    if (
      parent?.kind === "message" &&
      parent.fields.some((f) => `${parent.typeName}.${f.name}` === symbol)
    )
      return parent.file;
    return undefined;
  };
  return {
    answer(query) {
      switch (query.case) {
        case "listServices":
          return {
            case: "listServicesResponse",
            value: { service: serviceNames.map((name) => ({ name })) },
          };
        case "fileByFilename": {
          const file = registry.getFile(query.value);
          return file ? fileAnswer(file) : error(Code.NotFound, `file not found: ${query.value}`);
        }
        case "fileContainingSymbol": {
          const file = fileOfSymbol(query.value);
          return file ? fileAnswer(file) : error(Code.NotFound, `symbol not found: ${query.value}`);
        }
        case "fileContainingExtension": {
          const message = registry.getMessage(query.value.containingType);
          const ext = message
            ? registry.getExtensionFor(message, query.value.extensionNumber)
            : undefined;
          return ext
            ? fileAnswer(ext.file)
            : error(
                Code.NotFound,
                `extension not found: ${query.value.containingType}(${query.value.extensionNumber})`,
              );
        }
        case "allExtensionNumbersOfType": {
          const message = registry.getMessage(query.value);
          if (!message) return error(Code.NotFound, `type not found: ${query.value}`);
          const numbers = [...registry]
            .filter((d) => d.kind === "extension" && d.extendee.typeName === query.value)
            .map((d) => (d.kind === "extension" ? d.number : 0));
          return {
            case: "allExtensionNumbersResponse",
            value: { baseTypeName: query.value, extensionNumber: numbers },
          };
        }
        default:
          return error(Code.InvalidArgument, "empty reflection request");
      }
    },
  };
}

/**
 * The bidirectional stream of either version: one answer per request, in order,
 * echoing the request and its host as the protocol asks. The two versions' messages
 * are the same shape, so one body serves both.
 */
function answerEach(reflection: Reflection) {
  return async function* serverReflectionInfo<
    R extends { readonly host: string; readonly messageRequest: ReflectionQuery },
  >(requests: AsyncIterable<R>) {
    for await (const req of requests) {
      yield {
        validHost: req.host,
        originalRequest: req,
        messageResponse: reflection.answer(req.messageRequest),
      };
    }
  };
}

/** Registers ServerReflection v1 and v1alpha, both answering from `reflection`. */
export function reflectionRoutes(reflection: Reflection) {
  const serverReflectionInfo = answerEach(reflection);
  return (router: ConnectRouter): void => {
    router.service(reflectionV1.ServerReflection, { serverReflectionInfo });
    router.service(reflectionV1alpha.ServerReflection, { serverReflectionInfo });
  };
}
