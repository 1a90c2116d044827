/**
 * A decoder compiled from a Schema's AST, for the answers a call reads thousands of times (a
 * walk of 20,000 runs decodes 100,000 timestamps).
 *
 * Effect's own parser builds an `Either` for every value, an options bag and a chain of issue
 * constructors on every node; most of a walk's CPU went there (bench/README.md). The compiled
 * decoder walks the same AST with plain functions that answer the decoded value or `failed`.
 * It only ever answers the value on the fast path: whenever anything fails, or the AST holds a
 * form it does not compile, the answer comes from `ParseResult` itself, so an error is always
 * exactly Effect's error. The schema stays the one source of truth for what is valid; the
 * property test in core/test/internal/compile.test.ts shows the two agree, on the contract's
 * Arbitraries and on broken variants of them.
 *
 * What it mirrors of `ParseResult`'s decoding, node by node:
 * - keywords and literals: the same `typeof` and `===` checks;
 * - a struct: an object that is not an array; a key absent and optional is skipped; an absent
 *   required key decodes `undefined`; index signatures decode every own string key, and keep
 *   in the output only the keys no property signature names; excess keys are dropped;
 * - an array (`Schema.Array`): each element, into a new array;
 * - a union: its members in order, the first that decodes wins (as Effect does when no member
 *   is told apart by a literal property; a union with such members is left to Effect);
 * - a refinement: its `from`, then its own filter;
 * - a transformation (`transform`, `transformOrFail`, `compose`): `from`, the decode function
 *   (when it answers synchronously), then `to`;
 * - a declaration (`DateFromSelf`...): its own `decodeUnknown`, when it answers synchronously;
 * - `suspend`: compiled once, on first use.
 * Anything else (tuples with elements, template literals, renamed or defaulted properties,
 * parse-option or fallback annotations) is decoded by `ParseResult` for that node alone.
 */
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"

/** What a compiled node answers when its input does not decode. */
const failed: unique symbol = Symbol("failed")

type Node = (input: unknown) => unknown

const options = AST.defaultParseOption

/** A node decoded by Effect's own parser (what is not compiled). */
const byEffect = (ast: AST.AST): Node => {
  const decode = ParseResult.decodeUnknownEither(Schema.make(ast))
  return (input) => {
    const result = decode(input)
    return Either.isRight(result) ? result.right : failed
  }
}

/** The value of a parser's answer, when it answered synchronously with a success. */
const settled = (result: unknown): unknown =>
  Either.isEither(result) ? (Either.isRight(result) ? result.right : failed) : failed

const isTagged = (ast: AST.AST): boolean => {
  switch (ast._tag) {
    case "TypeLiteral":
      return ast.propertySignatures.some((ps) => !ps.isOptional && AST.isLiteral(AST.encodedAST(ps.type)))
    case "TupleType":
      return ast.elements.some((e) => !e.isOptional && AST.isLiteral(AST.encodedAST(e.type)))
    case "Refinement":
      return isTagged(ast.from)
    case "Transformation":
      return isTagged(ast.from)
    case "Suspend":
      return isTagged(ast.f())
    case "Declaration": {
      const surrogate = AST.getSurrogateAnnotation(ast)
      return surrogate._tag === "Some" && isTagged(surrogate.value)
    }
    default:
      return false
  }
}

/** Whether a node may decode `null` (`true` when it cannot be told without running it). */
const takesNull = (ast: AST.AST): boolean => {
  switch (ast._tag) {
    case "StringKeyword":
    case "NumberKeyword":
    case "BooleanKeyword":
    case "TypeLiteral":
    case "TupleType":
      return false
    case "Literal":
      return ast.literal === null
    case "Refinement":
    case "Transformation":
      return takesNull(ast.from)
    case "Union":
      return ast.types.some(takesNull)
    default:
      return true
  }
}

const memo = new WeakMap<AST.AST, Node>()

const compileNode = (ast: AST.AST): Node => {
  const known = memo.get(ast)
  if (known !== undefined) return known
  const node = AST.getParseOptionsAnnotation(ast)._tag === "Some" ||
      AST.getDecodingFallbackAnnotation(ast)._tag === "Some"
    ? byEffect(ast)
    : build(ast)
  memo.set(ast, node)
  return node
}

const build = (ast: AST.AST): Node => {
  switch (ast._tag) {
    case "StringKeyword":
      return (input) => typeof input === "string" ? input : failed
    case "NumberKeyword":
      return (input) => typeof input === "number" ? input : failed
    case "BooleanKeyword":
      return (input) => typeof input === "boolean" ? input : failed
    case "UnknownKeyword":
    case "AnyKeyword":
      return (input) => input
    case "Literal": {
      const literal = ast.literal
      return (input) => input === literal ? input : failed
    }
    case "Union":
      return union(ast)
    case "TypeLiteral":
      return struct(ast)
    case "TupleType":
      return ast.elements.length === 0 && ast.rest.length === 1 ? array(compileNode(ast.rest[0].type)) : byEffect(ast)
    case "Refinement": {
      const from = compileNode(ast.from)
      return (input) => {
        const value = from(input)
        return value === failed || ast.filter(value, options, ast)._tag === "Some" ? failed : value
      }
    }
    case "Transformation": {
      const transformation = ast.transformation
      if (transformation._tag === "TypeLiteralTransformation") return byEffect(ast)
      const from = compileNode(ast.from)
      const to = compileNode(ast.to)
      if (transformation._tag === "ComposeTransformation") {
        return (input) => {
          const value = from(input)
          return value === failed ? failed : to(value)
        }
      }
      return (input) => {
        const value = from(input)
        if (value === failed) return failed
        const transformed = settled(transformation.decode(value, options, ast, input))
        return transformed === failed ? failed : to(transformed)
      }
    }
    case "Declaration": {
      const decode = ast.decodeUnknown(...ast.typeParameters)
      return (input) => settled(decode(input, options, ast))
    }
    case "Suspend": {
      let target: Node | undefined
      return (input) => (target ??= compileNode(ast.f()))(input)
    }
    default:
      return byEffect(ast)
  }
}

const union = (ast: AST.Union): Node => {
  if (ast.types.some(isTagged)) return byEffect(ast)
  // A union of literals only (a status, an enum of strings): one set lookup.
  const literals = ast.types.filter(AST.isLiteral)
  if (literals.length === ast.types.length) {
    const values = new Set(literals.map((member) => member.literal))
    return (input) => values.has(input as AST.LiteralValue) ? input : failed
  }
  // `NullOr(X)` where X never takes null: null answers null at once, not after X refuses it.
  const nulls = ast.types.filter((member) => AST.isLiteral(member) && member.literal === null)
  const others = ast.types.filter((member) => !nulls.includes(member))
  if (nulls.length > 0 && !others.some(takesNull)) {
    const rest = others.length === 1 ? compileNode(others[0]) : union(AST.Union.make(others) as AST.Union)
    return (input) => input === null ? null : rest(input)
  }
  const members = ast.types.map(compileNode)
  return (input) => {
    for (const member of members) {
      const value = member(input)
      if (value !== failed) return value
    }
    return failed
  }
}

const isRecord = (input: unknown): input is Record<string, unknown> =>
  typeof input === "object" && input !== null && !Array.isArray(input)

const hasOwn = Object.prototype.hasOwnProperty

const struct = (ast: AST.TypeLiteral): Node => {
  const properties = ast.propertySignatures.map((ps) => {
    if (typeof ps.name !== "string") return undefined
    return { name: ps.name, optional: ps.isOptional, decode: compileNode(ps.type) }
  })
  const records = ast.indexSignatures.map((is) => {
    const parameter = is.parameter
    if (parameter._tag !== "StringKeyword") return undefined
    return compileNode(is.type)
  })
  if (properties.some((p) => p === undefined) || records.some((r) => r === undefined)) return byEffect(ast)
  const props = properties as ReadonlyArray<NonNullable<typeof properties[number]>>
  const values = records as ReadonlyArray<Node>
  if (props.length === 0 && values.length === 0) {
    return (input) => input !== null && input !== undefined ? input : failed
  }
  const named: Record<string, null> = {}
  for (const { name } of props) named[name] = null
  return (input) => {
    if (!isRecord(input)) return failed
    const output: Record<string, unknown> = {}
    for (let i = 0; i < props.length; i++) {
      const { decode, name, optional } = props[i]
      if (optional && !hasOwn.call(input, name)) continue
      const value = decode(input[name])
      if (value === failed) return failed
      output[name] = value
    }
    for (const decode of values) {
      for (const key of Object.keys(input)) {
        const value = decode(input[key])
        if (value === failed) return failed
        if (!hasOwn.call(named, key)) output[key] = value
      }
    }
    return output
  }
}

const array = (element: Node): Node => (input) => {
  if (!Array.isArray(input)) return failed
  const output: Array<unknown> = new Array(input.length)
  for (let i = 0; i < input.length; i++) {
    const value = element(input[i])
    if (value === failed) return failed
    output[i] = value
  }
  return output
}

/**
 * Decodes as `Schema.decodeUnknownEither(schema)` does, fast when the input is valid: the
 * compiled decoder answers the value; on any failure, Effect's parser answers the error.
 */
export const compile = <A, I>(
  schema: Schema.Schema<A, I>
): (input: unknown) => Either.Either<A, ParseResult.ParseError> => {
  const fast = compileNode(schema.ast)
  const slow = Schema.decodeUnknownEither(schema)
  return (input) => {
    const value = fast(input)
    return value === failed ? slow(input) : Either.right(value as A)
  }
}
