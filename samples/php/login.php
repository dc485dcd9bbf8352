<?php
// Logs in: the hash is the HMAC (md5) of strlen(code) . code . strlen(date) . date keyed with the
// secret key, the date being gmdate('Y-m-d H:i:s'). Leaves $host, $merchantCode, $sessionID and
// the request counter $i for the script that requires it (the "PATH_TO_AUTH" of 2Checkout's
// samples); run directly it prints the sessionID as JSON.
// usage: php login.php [HOST [MERCHANT_CODE [SECRET_KEY]]]
require_once __DIR__ . '/callrpc.php';

list($host, $merchantCode, $key) = ordergate_settings();

$date = gmdate('Y-m-d H:i:s');
$string = strlen($merchantCode) . $merchantCode . strlen($date) . $date;
$hash = hash_hmac('md5', $string, $key);

$i = 1; // counter for the JSON-RPC ids

$jsonRpcRequest = new stdClass();
$jsonRpcRequest->jsonrpc = '2.0';
$jsonRpcRequest->method = 'login';
$jsonRpcRequest->params = array($merchantCode, $date, $hash);
$jsonRpcRequest->id = $i++;

$sessionID = callRPC($jsonRpcRequest, $host);

if (realpath($_SERVER['SCRIPT_FILENAME']) === __FILE__) {
    print_json($sessionID);
}
