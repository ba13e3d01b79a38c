import "reflect-metadata";

// The SDK's "Node 20 support ends" notice is for operators (npm start shows it), not for test output.
process.env["AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED"] = "true";
