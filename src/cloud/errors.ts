import { ErrorCode, ParseError } from '../errors/index.ts';

/**
 * The error a cloud handler throws to answer with a Parse code: `throw new CloudError(
 * CloudError.OBJECT_NOT_FOUND, 'No such post')`. Any thrown value with a numeric `code` keeps
 * that code too (a cloud file without imports can use Parse's numbers); other errors become
 * 141 (functions, triggers) or 142 (validators) with their message.
 */
export class CloudError extends ParseError {
  static readonly OTHER_CAUSE = -1;
  static readonly INTERNAL_SERVER_ERROR = 1;
  static readonly CONNECTION_FAILED = 100;
  static readonly OBJECT_NOT_FOUND = 101;
  static readonly INVALID_QUERY = 102;
  static readonly INVALID_CLASS_NAME = 103;
  static readonly MISSING_OBJECT_ID = 104;
  static readonly INVALID_KEY_NAME = 105;
  static readonly INVALID_POINTER = 106;
  static readonly INVALID_JSON = 107;
  static readonly COMMAND_UNAVAILABLE = 108;
  static readonly NOT_INITIALIZED = 109;
  static readonly INCORRECT_TYPE = 111;
  static readonly INVALID_CHANNEL_NAME = 112;
  static readonly PUSH_MISCONFIGURED = 115;
  static readonly OBJECT_TOO_LARGE = 116;
  static readonly OPERATION_FORBIDDEN = 119;
  static readonly CACHE_MISS = 120;
  static readonly INVALID_NESTED_KEY = 121;
  static readonly INVALID_FILE_NAME = 122;
  static readonly INVALID_ACL = 123;
  static readonly TIMEOUT = 124;
  static readonly INVALID_EMAIL_ADDRESS = 125;
  static readonly MISSING_CONTENT_TYPE = 126;
  static readonly MISSING_CONTENT_LENGTH = 127;
  static readonly INVALID_CONTENT_LENGTH = 128;
  static readonly FILE_TOO_LARGE = 129;
  static readonly FILE_SAVE_ERROR = 130;
  static readonly DUPLICATE_VALUE = 137;
  static readonly INVALID_ROLE_NAME = 139;
  static readonly EXCEEDED_QUOTA = 140;
  static readonly SCRIPT_FAILED = 141;
  static readonly VALIDATION_ERROR = 142;
  static readonly INVALID_IMAGE_DATA = 143;
  static readonly UNSAVED_FILE_ERROR = 151;
  static readonly INVALID_PUSH_TIME_ERROR = 152;
  static readonly FILE_DELETE_ERROR = 153;
  static readonly FILE_DELETE_UNNAMED_ERROR = 161;
  static readonly REQUEST_LIMIT_EXCEEDED = 155;
  static readonly DUPLICATE_REQUEST = 159;
  static readonly INVALID_EVENT_NAME = 160;
  static readonly INVALID_VALUE = 162;
  static readonly USERNAME_MISSING = 200;
  static readonly PASSWORD_MISSING = 201;
  static readonly USERNAME_TAKEN = 202;
  static readonly EMAIL_TAKEN = 203;
  static readonly EMAIL_MISSING = 204;
  static readonly EMAIL_NOT_FOUND = 205;
  static readonly SESSION_MISSING = 206;
  static readonly MUST_CREATE_USER_THROUGH_SIGNUP = 207;
  static readonly ACCOUNT_ALREADY_LINKED = 208;
  static readonly INVALID_SESSION_TOKEN = 209;
  static readonly MFA_ERROR = 210;
  static readonly MFA_TOKEN_REQUIRED = 211;
  static readonly LINKED_ID_MISSING = 250;
  static readonly INVALID_LINKED_SESSION = 251;
  static readonly UNSUPPORTED_SERVICE = 252;
  static readonly INVALID_SCHEMA_OPERATION = 255;

  constructor(code: number = ErrorCode.SCRIPT_FAILED, message = 'Script failed.') {
    super(code, message);
    this.name = 'CloudError';
  }
}
