<?php
// callRPC($Request, $host): one JSON-RPC 2.0 call over PHP's curl, in the style of 2Checkout's
// API 6.0 samples. Returns the call's result; throws RpcException on a JSON-RPC error.
//
// Settings (ordergate_settings): argv [HOST [MERCHANT_CODE [SECRET_KEY]]] or the environment:
// ORDERGATE_HOST (default http://127.0.0.1:8080), MERCHANT_CODE (default DEMO), SECRET_KEY.

class RpcException extends Exception
{
    public $error;

    public function __construct($error)
    {
        $this->error = $error;
        parent::__construct(isset($error->message) ? $error->message : 'JSON-RPC error', isset($error->code) ? (int) $error->code : 0);
    }
}

function callRPC($Request, $host)
{
    $curl = curl_init($host);
    curl_setopt($curl, CURLOPT_POST, 1);
    curl_setopt($curl, CURLOPT_HEADER, 0);
    curl_setopt($curl, CURLOPT_RETURNTRANSFER, 1);
    curl_setopt($curl, CURLOPT_TIMEOUT, 30);
    // TLS certificates are verified (curl's default): never turn CURLOPT_SSL_VERIFYPEER off.
    curl_setopt($curl, CURLOPT_HTTPHEADER, array('Content-Type: application/json', 'Accept: application/json'));
    $RequestString = json_encode($Request);
    curl_setopt($curl, CURLOPT_POSTFIELDS, $RequestString);
    $ResponseString = curl_exec($curl);
    if ($ResponseString === false) {
        $message = curl_error($curl);
        curl_close($curl);
        throw new RuntimeException("$host: $message");
    }
    curl_close($curl);
    $Response = json_decode($ResponseString);
    if (!is_object($Response)) {
        throw new RuntimeException("$host: not a JSON-RPC response: $ResponseString");
    }
    if (isset($Response->error)) {
        throw new RpcException($Response->error);
    }
    if (!property_exists($Response, 'result')) {
        throw new RuntimeException("$host: a response with neither result nor error: $ResponseString");
    }
    return $Response->result;
}

/** [$host, $merchantCode, $key]: $host is the JSON-RPC endpoint (2Checkout's /rpc/6.0/ path). */
function ordergate_settings()
{
    global $argv;
    $arg = function ($n, $env, $default) use ($argv) {
        if (isset($argv[$n]) && $argv[$n] !== '') {
            return $argv[$n];
        }
        $value = getenv($env);
        return ($value === false || $value === '') ? $default : $value;
    };
    $base = $arg(1, 'ORDERGATE_HOST', 'http://127.0.0.1:8080');
    $merchantCode = $arg(2, 'MERCHANT_CODE', 'DEMO');
    $key = $arg(3, 'SECRET_KEY', null);
    if ($key === null) {
        fwrite(STDERR, basename($_SERVER['SCRIPT_FILENAME']) . ": no secret key: pass HOST MERCHANT_CODE SECRET_KEY or set SECRET_KEY\n");
        exit(64);
    }
    $host = preg_match('#/rpc(/6\.0)?/?$#', $base) ? $base : rtrim($base, '/') . '/rpc/6.0/';
    return array($host, $merchantCode, $key);
}

function print_json($value)
{
    echo json_encode($value, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE), "\n";
}

// A failed call ends the script with the JSON-RPC error on stderr and exit code 1.
set_exception_handler(function ($e) {
    $detail = $e instanceof RpcException ? json_encode($e->error, JSON_UNESCAPED_SLASHES) : $e->getMessage();
    fwrite(STDERR, basename($_SERVER['SCRIPT_FILENAME']) . ': ' . $detail . "\n");
    exit(1);
});
