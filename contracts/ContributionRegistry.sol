// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// @title ContributionRegistry
/// @notice Anchors contribution records signed off chain (EIP-712), in batches by Merkle root or
///         one at a time, so anyone can check that a record existed by a given block.
/// @dev A record's leaf in a batch is OpenZeppelin's StandardMerkleTree leaf of its EIP-712 digest:
///      keccak256(bytes.concat(keccak256(abi.encode(digest)))). The digest binds this contract's
///      address and the chain id, so a signature made for another chain or registry never matches.
contract ContributionRegistry is EIP712 {
    /// @notice One contribution: a flat struct, so hardware wallets can show it field by field.
    struct ContributionRecord {
        bytes32 recordId;
        address contributor;
        bytes32 datanetId;
        bytes32 versionId;
        bytes32 contentRoot;
        uint64 itemCount;
        string license;
        bytes32 parentRecordId;
        uint64 createdAt;
        uint32 schemaVersion;
    }

    bytes32 public constant RECORD_TYPEHASH = keccak256(
        "ContributionRecord(bytes32 recordId,address contributor,bytes32 datanetId,bytes32 versionId,bytes32 contentRoot,uint64 itemCount,string license,bytes32 parentRecordId,uint64 createdAt,uint32 schemaVersion)"
    );

    /// @dev One slot per batch: block number (64 bits), record count (32 bits), submitter (160 bits).
    mapping(bytes32 root => uint256) private _batches;
    /// @dev Record ids submitted one by one (a batch's records are not listed on chain).
    mapping(bytes32 recordId => bool) private _submitted;

    /// @notice A batch of `count` signed records was anchored under `root`.
    event BatchAnchored(bytes32 indexed root, bytes32 indexed datanetId, address indexed submitter, uint32 count, string uri);
    /// @notice One signed record was submitted on its own (relayed by `relayer`).
    event RecordSubmitted(bytes32 indexed recordId, address indexed contributor, bytes32 indexed datanetId, bytes32 digest, address relayer);

    error AlreadyAnchored(bytes32 root);
    error EmptyBatch();
    error ZeroRoot();
    error RecordIdUsed(bytes32 recordId);
    error BadSignature(bytes32 recordId);
    error ZeroRecordId();

    constructor() EIP712("Datanet Studio", "1") {}

    /// @notice Anchors a batch of signed records by the Merkle root over their digests: one storage write and one event, whatever the batch size.
    /// @param datanetId The datanet the records belong to (zero for a batch that mixes datanets).
    /// @param root The Merkle root (StandardMerkleTree over the records' EIP-712 digests); anchored once only.
    /// @param count How many records the batch holds (at least one).
    /// @param uri Where the batch's records and proofs can be fetched, if published.
    function anchor(bytes32 datanetId, bytes32 root, uint32 count, string calldata uri) external {
        if (root == bytes32(0)) revert ZeroRoot();
        if (count == 0) revert EmptyBatch();
        if (_batches[root] != 0) revert AlreadyAnchored(root);
        _batches[root] = uint256(block.number) | (uint256(count) << 64) | (uint256(uint160(msg.sender)) << 96);
        emit BatchAnchored(root, datanetId, msg.sender, count, uri);
    }

    /// @notice Accepts one signed record, relayed by anyone; the signature must be the contributor's (EOA or ERC-1271 wallet).
    /// @param record The record as signed.
    /// @param signature The contributor's EIP-712 signature over it for this chain and this registry.
    function submitSigned(ContributionRecord calldata record, bytes calldata signature) external {
        if (record.recordId == bytes32(0)) revert ZeroRecordId();
        if (_submitted[record.recordId]) revert RecordIdUsed(record.recordId);
        bytes32 digest = hashRecord(record);
        if (!SignatureChecker.isValidSignatureNow(record.contributor, digest, signature)) revert BadSignature(record.recordId);
        _submitted[record.recordId] = true;
        emit RecordSubmitted(record.recordId, record.contributor, record.datanetId, digest, msg.sender);
    }

    /// @notice The EIP-712 digest of a record under this registry's domain (what the contributor signs).
    /// @param record The record.
    /// @return The digest.
    function hashRecord(ContributionRecord calldata record) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    RECORD_TYPEHASH,
                    record.recordId,
                    record.contributor,
                    record.datanetId,
                    record.versionId,
                    record.contentRoot,
                    record.itemCount,
                    keccak256(bytes(record.license)),
                    record.parentRecordId,
                    record.createdAt,
                    record.schemaVersion
                )
            )
        );
    }

    /// @notice Whether a record digest belongs to an anchored batch, by its Merkle proof.
    /// @param root The batch root.
    /// @param digest The record's EIP-712 digest (see hashRecord).
    /// @param proof The sibling hashes from the leaf to the root.
    /// @return True when `root` is anchored and the proof leads from the digest's leaf to it.
    function verifyRecord(bytes32 root, bytes32 digest, bytes32[] calldata proof) external view returns (bool) {
        if (_batches[root] == 0) return false;
        return MerkleProof.verifyCalldata(proof, root, keccak256(bytes.concat(keccak256(abi.encode(digest)))));
    }

    /// @notice What is known of an anchored batch; all zero when `root` was never anchored.
    /// @param root The batch root.
    /// @return blockNumber The block that anchored it.
    /// @return count The number of records it holds.
    /// @return submitter Who anchored it.
    function batch(bytes32 root) external view returns (uint64 blockNumber, uint32 count, address submitter) {
        uint256 packed = _batches[root];
        return (uint64(packed), uint32(packed >> 64), address(uint160(packed >> 96)));
    }

    /// @notice Whether a record id was submitted on its own with submitSigned.
    /// @param recordId The record id.
    /// @return True when used.
    function isSubmitted(bytes32 recordId) external view returns (bool) {
        return _submitted[recordId];
    }
}
